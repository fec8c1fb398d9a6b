#!/usr/bin/env bash
# Restores one backup made by deploy/backup.sh: the database and the media files.
#
#   systemctl stop kejiju-gunicorn kejiju-worker kejiju-beat
#   set -a; . /etc/kejiju/kejiju.env; set +a
#   deploy/restore.sh /backup/kejiju/kejiju-20261127-013000        # asks before replacing anything
#   deploy/restore.sh /backup/kejiju/kejiju-20261127-013000 --yes  # no question (scripts)
#
# The checksums are verified first; nothing is touched if they do not match. The database named
# by DATABASE_URL must exist (it may be empty: `createdb -O kejiju kejiju`); its tables are replaced
# in one transaction. The current media folder is kept beside the restored one as
# media.before-restore-<time>.
set -euo pipefail

[[ $# -ge 1 ]] || { echo "用法：deploy/restore.sh 备份文件夹 [--yes]" >&2; exit 2; }
BACKUP=$1
: "${DATABASE_URL:?DATABASE_URL 未设置（先载入 /etc/kejiju/kejiju.env）}"
MEDIA=${MEDIA_ROOT:-${KEJIJU_VAR_DIR:-/var/lib/kejiju}/media}

[[ -f $BACKUP/SHA256SUMS ]] || { echo "$BACKUP 不是 deploy/backup.sh 生成的备份" >&2; exit 1; }
(cd "$BACKUP" && sha256sum --check --quiet SHA256SUMS) || { echo "备份文件校验失败，未做任何改动" >&2; exit 1; }

if [[ ${2:-} != --yes ]]; then
  echo "将用 $BACKUP 替换数据库 ${DATABASE_URL##*/} 的全部数据和媒体目录 $MEDIA。"
  read -r -p "输入 yes 继续：" answer
  [[ $answer == yes ]] || { echo "已取消"; exit 1; }
fi

pg_restore --clean --if-exists --no-owner --no-privileges --single-transaction --exit-on-error \
  --dbname="$DATABASE_URL" "$BACKUP/db.dump"

STAGING=$(mktemp -d "$(dirname "$MEDIA")/.media-restore.XXXXXX")
tar --extract --gzip --file="$BACKUP/media.tar.gz" --directory="$STAGING"
OWNER=$(stat -c %u:%g "$(dirname "$MEDIA")")
if [[ -e $MEDIA ]]; then
  OWNER=$(stat -c %u:%g "$MEDIA")
  mv "$MEDIA" "$MEDIA.before-restore-$(date +%Y%m%d-%H%M%S)"
fi
mv "$STAGING" "$MEDIA"
chmod 755 "$MEDIA"
chown "$OWNER" "$MEDIA"
echo "已恢复：数据库和媒体文件（$MEDIA）"
