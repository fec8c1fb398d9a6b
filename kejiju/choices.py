from django.db import models


class Role(models.TextChoices):
    STAFF = "staff", "局机关工作人员"
    ENTERPRISE = "enterprise", "企业用户"
    EXPERT = "expert", "评审专家"
    LEADER = "leader", "局领导"
    ADMIN = "admin", "系统管理员"
    SECURITY_ADMIN = "security_admin", "安全管理员"
    AUDITOR = "auditor", "安全审计员"
    TOWN = "town", "镇街科技员"


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
    PASSWORD_RESET_REQUESTED = "password_reset_requested", "申请找回密码"
    PASSWORD_RESET = "password_reset", "通过邮件重置密码"
    REGISTRATION_REQUESTED = "registration_requested", "企业注册申请"
    RATE_LIMITED = "rate_limited", "请求过于频繁"
    CAPTCHA_REQUIRED = "captcha_required", "启用登录验证码"
    OTP_ENROLLED = "otp_enrolled", "启用两步验证"
    OTP_VERIFIED = "otp_verified", "两步验证通过"
    OTP_FAILED = "otp_failed", "两步验证失败"
    OTP_BACKUP_USED = "otp_backup_used", "使用备用验证码"
    OTP_BACKUP_REGENERATED = "otp_backup_regenerated", "重新生成备用验证码"
    OTP_DISABLED = "otp_disabled", "停用两步验证"
    ACCOUNT_UNLOCKED = "account_unlocked", "解除锁定"
    ACCOUNT_DISABLED = "account_disabled", "停用账号"
    ACCOUNT_ENABLED = "account_enabled", "启用账号"
