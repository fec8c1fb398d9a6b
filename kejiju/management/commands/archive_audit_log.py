import gzip
import json
import os
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from kejiju.checks import AUDIT_LOG_MINIMUM_DAYS
from kejiju.models import AuditEvent

FIELDS = ["id", "at", "action", "username", "user_id", "ip_address", "path", "user_agent", "detail"]


class Command(BaseCommand):
    help = (
        "把超过保留期（KEJIJU_AUDIT_RETENTION_DAYS，至少 180 天）的审计日志写入归档文件"
        "（gzip 压缩的 JSON Lines），写好并核对条数后再从数据库移除。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--to", required=True, help="归档目录，例如 /backup/kejiju/audit")
        parser.add_argument("--dry-run", action="store_true", help="只报告将归档的条数")

    def handle(self, *args, to, dry_run=False, **options):
        days = settings.AUDIT_LOG_RETENTION_DAYS
        if days < AUDIT_LOG_MINIMUM_DAYS:
            raise CommandError(f"保留期 {days} 天少于 {AUDIT_LOG_MINIMUM_DAYS} 天，拒绝归档。")
        cutoff = timezone.now() - timedelta(days=days)
        old = AuditEvent.objects.filter(at__lt=cutoff).order_by("at", "id")
        if dry_run:
            self.stdout.write(f"{cutoff:%Y-%m-%d} 之前的审计日志 {old.count()} 条将被归档。")
            return
        directory = Path(to)
        directory.mkdir(parents=True, exist_ok=True)
        with transaction.atomic():
            rows = list(old.select_for_update().values(*FIELDS))
            if not rows:
                self.stdout.write("没有超过保留期的审计日志。")
                return
            path = directory / f"audit-{rows[0]['at']:%Y%m%d}-{rows[-1]['at']:%Y%m%d}.jsonl.gz"
            if path.exists():
                raise CommandError(f"归档文件 {path} 已存在，未做任何改动。")
            try:
                self._write(path, rows)
                self._remove([row["id"] for row in rows])
            except Exception:
                path.unlink(missing_ok=True)
                raise
        self.stdout.write(f"已归档 {len(rows)} 条审计日志到 {path}。")

    def _write(self, path: Path, rows: list[dict]) -> None:
        with gzip.open(path, "wt", encoding="utf-8") as archive:
            for row in rows:
                archive.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
        with path.open("rb") as archive:
            os.fsync(archive.fileno())
        with gzip.open(path, "rt", encoding="utf-8") as archive:
            written = sum(1 for _ in archive)
        if written != len(rows):
            raise CommandError(f"归档文件只写入了 {written} / {len(rows)} 条，未移除任何记录。")

    def _remove(self, ids: list[int]) -> None:
        # The model refuses deletes on purpose; the database trigger still refuses any event
        # younger than 180 days, so this cannot remove what the rules say must stay.
        table = connection.ops.quote_name(AuditEvent._meta.db_table)
        with connection.cursor() as cursor:
            for start in range(0, len(ids), 1000):
                chunk = ids[start : start + 1000]
                cursor.execute(
                    f"DELETE FROM {table} WHERE id IN ({', '.join(['%s'] * len(chunk))})", chunk
                )
