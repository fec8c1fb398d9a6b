from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from kejiju.audit import record
from kejiju.choices import AuditAction
from kejiju.models import User


class Command(BaseCommand):
    help = (
        "重置一个账号的两步验证（手机丢失且备用验证码用完时）：删除其验证器与备用验证码，"
        "下次登录时重新启用。记入审计日志。"
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--reason", default="", help="原因，写入审计日志")

    @transaction.atomic
    def handle(self, *args, username, reason="", **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"没有用户「{username}」。")
        totp, _ = TOTPDevice.objects.filter(user=user).delete()
        static, _ = StaticDevice.objects.filter(user=user).delete()
        record(
            AuditAction.OTP_DISABLED,
            user=user,
            detail=(
                "运维人员通过 manage.py reset_second_factor 重置"
                + (f"：{reason}" if reason else "")
            )[:500],
        )
        self.stdout.write(
            f"已重置「{username}」的两步验证（删除 {totp + static} 项），下次登录时须重新启用。"
        )
