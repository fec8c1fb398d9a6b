"""``manage.py create_admin``: the first accounts of the three administrative roles (三员分立).

Run without ``--role`` it asks, one role after the other, for the 系统管理员, the 安全管理员 and the
安全审计员; with ``--role`` it makes that one account. A role that already has an account is
skipped (refused with ``--role``) unless ``--force``. The accounts never get the superuser flag,
which gives nothing in this portal anyway (kejiju.permissions): ``createsuperuser`` is not the way.

For scripts: ``--noinput`` with ``--role`` and ``--username``, and the password in the environment
variable ``KEJIJU_ADMIN_PASSWORD``.
"""

import getpass
import os

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from kejiju.choices import Role
from kejiju.models import User
from kejiju.permissions import ADMINISTRATORS

PASSWORD_VARIABLE = "KEJIJU_ADMIN_PASSWORD"
SUGGESTED_USERNAMES = {
    Role.ADMIN: "sysadmin",
    Role.SECURITY_ADMIN: "secadmin",
    Role.AUDITOR: "auditor",
}


class Command(BaseCommand):
    help = (
        "创建系统管理员、安全管理员和安全审计员（三员）的首个账号。不带 --role 时依次询问三个角色；"
        "某角色已有账号时跳过（--force 仍然创建）。账号不带超级用户标记。"
        f"脚本中使用 --noinput --role --username，密码取自环境变量 {PASSWORD_VARIABLE}。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--role",
            choices=[str(role) for role in ADMINISTRATORS],
            help="只创建该角色的账号：admin（系统管理员）、security_admin（安全管理员）、"
            "auditor（安全审计员）",
        )
        parser.add_argument("--username", help="用户名（与 --role 一起使用）")
        parser.add_argument("--name", default="", help="姓名，如 王明")
        parser.add_argument("--email", default="", help="电子邮箱")
        parser.add_argument(
            "--force", action="store_true", help="该角色已有账号时仍然创建（如增设第二人）"
        )
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help=f"不询问；密码取自环境变量 {PASSWORD_VARIABLE}",
        )

    def handle(self, *args, role=None, username=None, name="", email="", force=False, **options):
        interactive = options["interactive"]
        if username and not role:
            raise CommandError("--username 须与 --role 一起使用。")
        if not interactive and not (role and username):
            raise CommandError("--noinput 时须给出 --role 和 --username。")
        if role:
            self.create(Role(role), username, name, email, force=force, interactive=interactive)
            return
        created = 0
        for each in ADMINISTRATORS:
            holders = self.holders(each)
            if holders and not force:
                self.stdout.write(
                    f"{each.label}已有账号（{'、'.join(holders)}），跳过。增设请加 --force。"
                )
                continue
            if self.create(each, None, "", "", force=force, interactive=True):
                created += 1
        if not created:
            self.stdout.write("没有创建新账号。")

    @staticmethod
    def holders(role) -> list[str]:
        return list(
            User.objects.filter(role=role, is_active=True)
            .order_by("username")
            .values_list("username", flat=True)
        )

    def create(self, role, username, name, email, *, force, interactive) -> User:
        holders = self.holders(role)
        if holders and not force:
            raise CommandError(
                f"{role.label}已有账号（{'、'.join(holders)}），未创建。确需增设请加 --force。"
            )
        if interactive:
            self.stdout.write(f"—— {role.label}（{role.value}）——")
            username = username or self.ask("用户名", SUGGESTED_USERNAMES[role])
            name = name or self.ask("姓名", "")
            email = email or self.ask("电子邮箱", "")
        username = (username or "").strip()
        if not username:
            raise CommandError("用户名不能为空。")
        if User.objects.filter(username__iexact=username).exists():
            raise CommandError(f"用户名 {username} 已被使用，未创建。")
        if email:
            # 三员 are different people: one person's address on two of the roles is refused.
            other = (
                User.objects.filter(email__iexact=email, role__in=ADMINISTRATORS)
                .exclude(role=role)
                .first()
            )
            if other is not None:
                raise CommandError(
                    f"邮箱 {email} 已用于{other.get_role_display()} {other.username}："
                    "三员应由不同人员担任，未创建。"
                )
        user = User(username=username, role=role, email=email)
        name = name.strip()
        user.last_name, user.first_name = name[:1], name[1:]
        password = self.password(user, interactive)
        user.set_password(password)
        with transaction.atomic():
            user.full_clean()
            user.save()
        self.stdout.write(self.style.SUCCESS(f"已创建{role.label}账号 {username}。"))
        return user

    def ask(self, label: str, default: str) -> str:
        prompt = f"{label}（默认 {default}）：" if default else f"{label}："
        return input(prompt).strip() or default

    def password(self, user, interactive: bool) -> str:
        if not interactive:
            password = os.environ.get(PASSWORD_VARIABLE, "")
            if not password:
                raise CommandError(f"--noinput 时须在环境变量 {PASSWORD_VARIABLE} 中给出密码。")
            self.validate(password, user)
            return password
        for _ in range(3):
            password = getpass.getpass("密码：")
            if password != getpass.getpass("再次输入密码："):
                self.stderr.write("两次输入的密码不一致。")
                continue
            try:
                self.validate(password, user)
            except CommandError as error:
                self.stderr.write(str(error))
                continue
            return password
        raise CommandError("密码三次未通过，未创建。")

    @staticmethod
    def validate(password: str, user) -> None:
        try:
            password_validation.validate_password(password, user)
        except ValidationError as error:
            raise CommandError("密码不符合要求：" + "；".join(error.messages)) from None
