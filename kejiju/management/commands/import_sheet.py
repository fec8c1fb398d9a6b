import sys

from django.core.management.base import BaseCommand, CommandError

from kejiju.imports import SheetError, discover, run_import


class Command(BaseCommand):
    help = "从 Excel（.xlsx）或 CSV 表格导入数据：全部通过校验才写入，否则一行也不写入。"

    def add_arguments(self, parser):
        parser.add_argument("layout", help="表格格式，如 patents、patent_disputes")
        parser.add_argument("file", help=".xlsx 或 .csv 文件")
        parser.add_argument("--dry-run", action="store_true", help="只校验，不写入")

    def handle(self, layout, file, dry_run=False, **options):
        if layout not in discover():
            raise CommandError(
                f"unknown layout {layout!r}; known layouts: {', '.join(discover()) or '(none)'}"
            )
        try:
            report = run_import(layout, file, file, dry_run=dry_run)
        except FileNotFoundError:
            raise CommandError(f"file not found: {file}") from None
        except SheetError as exc:
            raise CommandError(exc.message) from None
        if report.errors:
            for error in report.errors:
                self.stderr.write(str(error))
            self.stderr.write(
                f"{len(report.errors)} error(s) in {report.total} row(s); nothing was written."
            )
            sys.exit(1)
        self.stdout.write(
            f"{layout}: {report.total} row(s), {report.created} created, {report.updated} updated,"
            f" {report.unchanged} unchanged{' (dry run, nothing written)' if dry_run else ''}."
        )
