from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reports.choices import RenderFormat
from reports.render import render


class Command(BaseCommand):
    help = "由年度指标快照生成工作总结，输出 PDF（文件名以 .docx 结尾时输出 Word）。"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("-o", "--output", required=True, help="输出文件，如 summary-2023.pdf")

    def handle(self, *args, year, output, **options):
        path = Path(output)
        suffix = path.suffix.lower()
        if suffix not in (".pdf", ".docx"):
            raise CommandError("输出文件须以 .pdf 或 .docx 结尾。")
        fmt = RenderFormat.DOCX if suffix == ".docx" else RenderFormat.PDF
        content = render(year, fmt)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        self.stdout.write(f"已生成 {path}（{len(content) // 1024} KB）。")
