from django.conf import settings
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
        # what needs the accounts (e.g. a review task for the demo expert)
        for _, module in app_modules("demo", platform=False):
            if hasattr(module, "after_accounts"):
                module.after_accounts()
        if not quiet_logins:
            self.stdout.write("")
            self.stdout.write("演示账号（用户名 / 密码 / 角色）：")
            roles = {username: role.label for username, role, *_ in demo.ACCOUNTS}
            for username, password in passwords.items():
                self.stdout.write(f"  {username:<12} {password:<16} {roles.get(username, '')}")
            second = [
                u for u, role, *_ in demo.ACCOUNTS if role in settings.KEJIJU_OTP_REQUIRED_ROLES
            ]
            if second:
                self.stdout.write("")
                self.stdout.write(
                    f"{'、'.join(second)} 须使用两步验证：首次登录时用手机验证器应用扫描页面上的二维码启用，"
                    "并保存随后显示的备用验证码。"
                )
                self.stdout.write(
                    "没有手机时，在另一个终端运行 .venv/bin/python manage.py demo_otp <用户名> 查看当前验证码。"
                )
