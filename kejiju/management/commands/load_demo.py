from django.core.management.base import BaseCommand

from kejiju import demo
from kejiju.discovery import app_modules


class Command(BaseCommand):
    help = "载入演示县的数据与演示账号（可重复执行，不会重复写入）。"

    def add_arguments(self, parser):
        parser.add_argument("--quiet-logins", action="store_true", help="不打印演示账号")

    def handle(self, *args, quiet_logins=False, **options):
        # Each app's demo.py has load(); the platform's accounts come last, after the
        # enterprises and experts they link to.
        for config, module in app_modules("demo", platform=False):
            module.load()
            self.stdout.write(f"已载入演示数据：{config.verbose_name}")
        passwords = demo.load()
        if not quiet_logins:
            self.stdout.write("")
            self.stdout.write("演示账号（用户名 / 密码 / 角色）：")
            roles = {username: role.label for username, role, *_ in demo.ACCOUNTS}
            for username, password in passwords.items():
                self.stdout.write(f"  {username:<12} {password:<16} {roles.get(username, '')}")
