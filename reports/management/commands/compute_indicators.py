from django.core.management.base import BaseCommand, CommandError

from reports.services import compute_indicators


class Command(BaseCommand):
    help = "计算并保存某一年度的指标快照（可重复执行）。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--year", type=int, required=True, action="append", help="年度，可多次指定"
        )

    def handle(self, *args, year, **options):
        for y in year:
            if not 2000 <= y <= 2100:
                raise CommandError(f"年度超出范围：{y}")
            snapshot = compute_indicators(y)
            self.stdout.write(f"{y}年度指标已保存：{snapshot.values.count()} 项。")
