import time

from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP

from kejiju import demo
from kejiju.accounts.second_factor import totp_device
from kejiju.models import User


class Command(BaseCommand):
    help = (
        "演示环境：显示演示账号验证器应用当前的 6 位验证码，供没有手机时登录演示账号使用。"
        "只对 load_demo 建立的演示账号（var/demo-logins.json）有效。"
    )

    def add_arguments(self, parser):
        parser.add_argument("username", help="演示账号的用户名，如 admin、auditor")

    def handle(self, *args, username, **options):
        if username not in demo._passwords():
            raise CommandError(
                f"「{username}」不是演示账号：本命令只用于 load_demo 建立的演示账号。"
            )
        user = User.objects.filter(username=username).first()
        device = user and (totp_device(user) or totp_device(user, confirmed=False))
        if device is None:
            raise CommandError(
                f"「{username}」还没有验证器密钥：请先用密码登录，打开「启用两步验证」页面后再运行本命令。"
            )
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        totp.time = time.time()
        code = str(totp.token()).zfill(device.digits)
        left = device.step - int(totp.time - device.t0) % device.step
        self.stdout.write(f"{username} 当前验证码：{code}（{left} 秒内有效，每个验证码只能用一次）")
