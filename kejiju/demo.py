"""Demo accounts, one per role. Passwords are generated on first load and kept in var/.

The platform knows no app: the record an account stands for (the enterprise of ``enterprise``,
the expert of ``expert``) comes from the app that keeps it, through the ``link_demo_account(user)``
of its ``demo.py`` (found like every app's demo loader, kejiju.discovery)."""

import json
import secrets

from django.conf import settings
from django.db import transaction

from .choices import Role, Section
from .discovery import app_modules
from .models import User

LOGINS_FILE = settings.VAR_DIR / "demo-logins.json"

# username, role, 姓 (last_name), 名 (first_name), section. A title used as a name
# (系统管理员) has no surname: split as 系 + 统管理员 the admin would greet "统管理员".
ACCOUNTS = [
    ("staff", Role.STAFF, "王", "科员", Section.HIGH_TECH),
    ("ipclerk", Role.STAFF, "李", "科员", Section.IP),
    ("enterprise", Role.ENTERPRISE, "陈", "经办", ""),
    ("expert", Role.EXPERT, "张", "专家", ""),
    ("leader", Role.LEADER, "赵", "局长", ""),
    ("admin", Role.ADMIN, "", "系统管理员", ""),
    ("security", Role.SECURITY_ADMIN, "", "安全管理员", ""),
    ("auditor", Role.AUDITOR, "", "安全审计员", ""),
    ("town", Role.TOWN, "周", "科技员", ""),
    ("town2", Role.TOWN, "吴", "科技员", ""),
]


def _passwords() -> dict[str, str]:
    if LOGINS_FILE.exists():
        return json.loads(LOGINS_FILE.read_text())
    return {}


@transaction.atomic
def load() -> dict[str, str]:
    passwords = _passwords()
    linkers = [
        module.link_demo_account
        for _, module in app_modules("demo", platform=False)
        if hasattr(module, "link_demo_account")
    ]
    for username, role, last_name, first_name, section in ACCOUNTS:
        user = User.objects.filter(username=username).first()
        if user is not None and not last_name:
            # an account made before the names were fixed: 系 + 统管理员 → 系统管理员
            whole = first_name
            if user.last_name + user.first_name == whole and user.last_name:
                User.objects.filter(pk=user.pk).update(last_name="", first_name=whole)
        if user is None:
            user = User(username=username, last_name=last_name, first_name=first_name)
            user.role = role
            user.section = section
            for link in linkers:
                link(user)
            passwords[username] = secrets.token_urlsafe(9)
            user.set_password(passwords[username])
            user.save()
    LOGINS_FILE.write_text(json.dumps(passwords, ensure_ascii=False, indent=2))
    LOGINS_FILE.chmod(0o600)
    return passwords
