from django.db import models


class Role(models.TextChoices):
    STAFF = "staff", "局机关工作人员"
    ENTERPRISE = "enterprise", "企业用户"
    EXPERT = "expert", "评审专家"
    LEADER = "leader", "局领导"
    ADMIN = "admin", "系统管理员"
    AUDITOR = "auditor", "安全审计员"


class Section(models.TextChoices):
    HIGH_TECH = "high_tech", "高新科"
    IP = "ip", "知识产权科"
    RURAL = "rural", "农村科"
    SEISMIC = "seismic", "防震减灾科"
    OFFICE = "office", "办公室"


class Level(models.TextChoices):
    NATIONAL = "national", "国家级"
    PROVINCIAL = "provincial", "省级"
    CITY = "city", "市级"
    COUNTY = "county", "县级"


class ReportSection(models.TextChoices):
    """Sections of the annual work summary, in the order of the seed document."""

    REFORM = "reform", "深化科技体制改革"
    ENTERPRISE = "enterprise", "发挥企业主体作用"
    IP = "ip", "知识产权创造、运用和保护"
    COOPERATION = "cooperation", "产学研合作与成果转化"
    AGRICULTURE = "agriculture", "农业科技"
    SEISMIC = "seismic", "防震减灾"


class AuditAction(models.TextChoices):
    LOGIN = "login", "登录成功"
    LOGIN_FAILED = "login_failed", "登录失败"
    LOGOUT = "logout", "退出登录"
    LOCKOUT = "lockout", "账户锁定"
    PERMISSION_DENIED = "permission_denied", "越权访问"
    SESSION_EXPIRED = "session_expired", "会话超时"
    PASSWORD_CHANGED = "password_changed", "修改密码"
    PASSWORD_SET = "password_set", "通过邀请设置密码"
