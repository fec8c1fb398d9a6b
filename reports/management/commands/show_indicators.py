import json

from django.core.management.base import BaseCommand

from reports.formatting import number, plain
from reports.registry import all_indicators
from reports.services import indicator_values


class Command(BaseCommand):
    help = "显示某一年度的全部指标（有快照时读快照，否则即时计算）。"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--json", action="store_true", help='输出 {"指标代码": 数值}')
        parser.add_argument("--live", action="store_true", help="忽略快照，按当前记录即时计算")

    def handle(self, *args, year, json=False, live=False, **options):
        values = indicator_values(year, live=live)
        if json:
            self.stdout.write(_dumps({key: plain(value) for key, value in values.items()}))
            return
        for indicator in all_indicators():
            value = values[indicator.key]
            self.stdout.write(
                f"{indicator.key:<40} {number(value, indicator.unit):>14} {indicator.unit:<4} {indicator.label}"
            )


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
