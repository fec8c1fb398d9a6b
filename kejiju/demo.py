"""Demo accounts, one per role. Passwords are generated on first load and kept in var/."""

import json
import secrets

from django.conf import settings
from django.db import transaction

from .choices import Role, Section
from .codes import make_credit_code
from .models import Town, User

LOGINS_FILE = settings.VAR_DIR / "demo-logins.json"

ACCOUNTS = [
    ("staff", Role.STAFF, "王科员", Section.HIGH_TECH),
    ("ipclerk", Role.STAFF, "李科员", Section.IP),
    ("enterprise", Role.ENTERPRISE, "陈经办", ""),
    ("expert", Role.EXPERT, "张专家", ""),
    ("leader", Role.LEADER, "赵局长", ""),
    ("admin", Role.ADMIN, "系统管理员", ""),
    ("security", Role.SECURITY_ADMIN, "安全管理员", ""),
    ("auditor", Role.AUDITOR, "安全审计员", ""),
]


def _passwords() -> dict[str, str]:
    if LOGINS_FILE.exists():
        return json.loads(LOGINS_FILE.read_text())
    return {}


def demo_enterprise():
    from enterprises.models import Enterprise

    enterprise, _ = Enterprise.objects.get_or_create(
        credit_code=make_credit_code(1),
        defaults={
            "name": "瑞安华科智能装备有限公司",
            "town": Town.objects.get(name="安阳街道"),
            "industry": "专用设备制造业",
            "contact": "陈经办",
            "phone": "0577-65800001",
        },
    )
    return enterprise


def demo_expert():
    from experts.models import Expert

    expert, _ = Expert.objects.get_or_create(
        mobile="13900000001",
        defaults={
            "name": "张专家",
            "employer": "温州大学",
            "title": "senior",
            "specialties": "机械制造",
        },
    )
    return expert


@transaction.atomic
def load() -> dict[str, str]:
    passwords = _passwords()
    for username, role, full_name, section in ACCOUNTS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, last_name=full_name[:1], first_name=full_name[1:])
            user.role = role
            user.section = section
            if role == Role.ENTERPRISE:
                user.enterprise = demo_enterprise()
            if role == Role.EXPERT:
                user.expert = demo_expert()
            passwords[username] = secrets.token_urlsafe(9)
            user.set_password(passwords[username])
            user.save()
    LOGINS_FILE.write_text(json.dumps(passwords, ensure_ascii=False, indent=2))
    LOGINS_FILE.chmod(0o600)
    return passwords
