#!/usr/bin/env bash
# One backup of what cannot be rebuilt from the repository: the PostgreSQL database and the media
# files (attachments, photos, plan texts, rendered summaries).
#
#   set -a; . /etc/kejiju/kejiju.env; set +a
#   deploy/backup.sh /backup/kejiju          # prints the new folder, e.g. /backup/kejiju/kejiju-20261127-013000
#
# The folder holds db.dump (pg_dump custom format), media.tar.gz and SHA256SUMS. Settings come from
# the environment like the application's: DATABASE_URL, and MEDIA_ROOT or KEJIJU_VAR_DIR
# (media is $KEJIJU_VAR_DIR/media unless MEDIA_ROOT says otherwise).
set -euo pipefail

[[ $# -eq 1 ]] || { echo "用法：deploy/backup.sh 备份目录" >&2; exit 2; }
: "${DATABASE_URL:?DATABASE_URL 未设置（先载入 /etc/kejiju/kejiju.env）}"
MEDIA=${MEDIA_ROOT:-${KEJIJU_VAR_DIR:-/var/lib/kejiju}/media}
[[ -d $MEDIA ]] || { echo "媒体目录 $MEDIA 不存在" >&2; exit 1; }

mkdir -p "$1"
OUT="$1/kejiju-$(date +%Y%m%d-%H%M%S)"
umask 077
mkdir "$OUT"   # fails rather than mixing two backups in one folder
trap 'echo "备份失败，已删除不完整的 $OUT" >&2; rm -rf "$OUT"' ERR

pg_dump --format=custom --no-owner --no-privileges --file="$OUT/db.dump" "$DATABASE_URL"
tar --create --gzip --file="$OUT/media.tar.gz" --directory="$MEDIA" .
(cd "$OUT" && sha256sum db.dump media.tar.gz >SHA256SUMS)
echo "$OUT"
