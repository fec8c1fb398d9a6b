from datetime import date

from django.core.management.base import BaseCommand, CommandError

from kejiju.notifications.daily import run_daily


class Command(BaseCommand):
    help = (
        "发送今天到期的提醒（消息中心、短信），再发出每人一封的当日邮件摘要。"
        "可重复执行：同一记录、类型和提醒节点只提醒一次。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="按这一天计算到期（YYYY-MM-DD），默认今天")
        parser.add_argument("--dry-run", action="store_true", help="只列出将要发送的提醒，不写入")

    def handle(self, *args, date=None, dry_run=False, **options):
        today = None
        if date:
            try:
                today = _parse(date)
            except ValueError as exc:
                raise CommandError(f"日期格式应为 YYYY-MM-DD：{date}") from exc
        outcome = run_daily(today, dry_run=dry_run)
        for reminder, due in outcome.due if dry_run else ():
            recipients = len(set(due.recipients))
            self.stdout.write(
                f"[{reminder.label}] {due.text}（{recipients} 人；节点 {due.threshold}）{due.link}"
            )
        if dry_run:
            self.stdout.write(
                f"{outcome.today:%Y-%m-%d}：共 {len(outcome.due)} 项提醒到期（试运行，未写入）。"
            )
            return
        self.stdout.write(
            f"{outcome.today:%Y-%m-%d}：{len(outcome.due)} 项到期，新发消息 {outcome.created} 条，"
            f"短信成功 {outcome.sms.get('sent', 0)} 条、失败 {outcome.sms.get('failed', 0)} 条，"
            f"邮件摘要 {outcome.digests} 封。"
        )


def _parse(text: str) -> date:
    return date.fromisoformat(text.strip())
