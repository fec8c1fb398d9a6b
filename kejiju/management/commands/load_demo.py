from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand

from kejiju import demo


class Command(BaseCommand):
    help = "载入演示县的数据与演示账号（可重复执行，不会重复写入）。"

    def add_arguments(self, parser):
        parser.add_argument("--quiet-logins", action="store_true", help="不打印演示账号")

    def handle(self, *args, quiet_logins=False, **options):
        # Each app's demo.py has load(); the platform's accounts come last, after the
        # enterprises and experts they link to.
        for config in apps.get_app_configs():
            if config.name == "kejiju":
                continue
            try:
                module = import_module(f"{config.name}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.demo":
                    raise
                continue
            module.load()
            self.stdout.write(f"已载入演示数据：{config.verbose_name}")
        passwords = demo.load()
        if not quiet_logins:
            self.stdout.write("")
            self.stdout.write("演示账号（用户名 / 密码 / 角色）：")
            roles = {username: role.label for username, role, *_ in demo.ACCOUNTS}
            for username, password in passwords.items():
                self.stdout.write(f"  {username:<12} {password:<16} {roles.get(username, '')}")
