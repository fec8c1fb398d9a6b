import sys

from django.core.management.base import BaseCommand, CommandError

from kejiju.imports import SheetError, discover, run_import

CHANGES_SHOWN = 200


class Command(BaseCommand):
    # The system checks read every app's models, URLs and templates, which an import does not
    # need: `manage.py check` and `migrate` run them.
    requires_system_checks = []
    help = (
        "从表格导入数据（.xlsx、.xls、.ods、.csv 或制表符分隔的文本）：找到列名行，跳过标题、"
        "合计、空行和隐藏行并逐一说明；全部通过校验才写入，否则一行也不写入。"
        "更新已有记录时，空白单元格保留原值，填写 <清空> 才清除。"
    )

    def add_arguments(self, parser):
        parser.add_argument("layout", help="表格格式，如 patents、enterprises、experts")
        parser.add_argument("file", help="表格文件")
        parser.add_argument("--dry-run", action="store_true", help="只校验，不写入")
        parser.add_argument(
            "--sheet", default="", help="要导入的工作表名称（或序号，从 1 起）；默认自动选择"
        )

    def handle(self, layout, file, dry_run=False, sheet="", **options):
        layouts = discover()
        if layout not in layouts:
            known = "、".join(f"{name}（{cls.title}）" for name, cls in layouts.items())
            raise CommandError(f"没有名为「{layout}」的表格格式。可用的格式：{known or '（无）'}")
        try:
            report = run_import(layout, file, file, dry_run=dry_run, sheet=sheet)
        except FileNotFoundError:
            raise CommandError(f"找不到文件：{file}") from None
        except IsADirectoryError:
            raise CommandError(f"{file} 是目录，不是文件。") from None
        except SheetError as exc:
            raise CommandError(exc.message) from None
        for line in report.details():
            self.stdout.write(line)
        if report.errors:
            for error in report.errors:
                self.stderr.write(error.text_zh)
            self.stderr.write(
                f"共 {report.total} 行，发现 {len(report.errors)} 处错误，未写入任何数据。"
            )
            sys.exit(1)
        if report.changes:
            self.stdout.write("更新的记录（原值 → 新值）：")
            for line in report.change_lines(CHANGES_SHOWN):
                self.stdout.write(f"  {line}")
            if len(report.changes) > CHANGES_SHOWN:
                self.stdout.write(
                    f"  ……另有 {len(report.changes) - CHANGES_SHOWN} 行更新，未逐一列出。"
                )
        title = layouts[layout].title
        self.stdout.write(f"{title}（{layout}）{report.summary()}")
