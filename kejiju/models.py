from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from .choices import AuditAction, Level, Role, Section


class PortalUserManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        # ``createsuperuser`` makes an account without a role, and the superuser flag gives
        # nothing (kejiju.permissions): the first administrators come from ``create_admin``.
        extra_fields.setdefault("role", "")
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """A person who logs in to the portal, with one role (or none: an account without a role may
    log in and change its password, nothing else)."""

    role = models.CharField(
        "角色", max_length=20, choices=Role.choices, default=Role.STAFF, blank=True
    )
    section = models.CharField("所在科室", max_length=20, choices=Section.choices, blank=True)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name="所属企业",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    expert = models.OneToOneField(
        "experts.Expert",
        verbose_name="对应专家",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="user",
    )
    town = models.ForeignKey(
        "kejiju.Town",
        verbose_name="所属镇街",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        help_text="镇街科技员只看本镇街企业的申报。",
    )
    phone = models.CharField("手机", max_length=20, blank=True)
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    objects = PortalUserManager()

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="enterprise") | models.Q(enterprise__isnull=False),
                name="user_enterprise_role_has_enterprise",
            ),
            models.CheckConstraint(
                condition=~models.Q(role="expert") | models.Q(expert__isnull=False),
                name="user_expert_role_has_expert",
            ),
            models.CheckConstraint(
                condition=~models.Q(role="town") | models.Q(town__isnull=False),
                name="user_town_role_has_town",
            ),
        ]

    def clean(self) -> None:
        super().clean()
        if self.role == Role.ENTERPRISE and not self.enterprise_id:
            raise ValidationError({"enterprise": "企业用户必须关联所属企业。"})
        if self.role == Role.EXPERT and not self.expert_id:
            raise ValidationError({"expert": "专家用户必须关联专家库中的专家。"})
        if self.role == Role.TOWN and not self.town_id:
            raise ValidationError({"town": "镇街科技员必须选择所属镇街。"})
        if self.role == Role.STAFF and not self.section:
            raise ValidationError({"section": "局机关工作人员须选择所在科室。"})

    def save(self, *args, **kwargs) -> None:
        from .permissions import ADMIN_SITE_ROLES

        # The admin site is for the bureau's staff, the system and the security administrator,
        # whatever the superuser flag says (kejiju.permissions decides what each does there).
        self.is_staff = self.role in ADMIN_SITE_ROLES
        super().save(*args, **kwargs)

    def set_password(self, raw_password) -> None:
        from django.utils import timezone

        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    def get_full_name(self) -> str:
        """A Chinese name: the surname (last_name) first, without a space: 王科员."""
        return f"{self.last_name}{self.first_name}".strip()

    def get_short_name(self) -> str:
        """A Chinese name is not shortened to the given name (the admin greets 王科员, not 科员)."""
        return self.get_full_name()

    def has_role(self, *roles: str) -> bool:
        """Whether the user holds one of ``roles``. The superuser flag counts for nothing."""
        return self.is_authenticated and self.is_active and bool(self.role) and self.role in roles

    @property
    def is_bureau_staff(self) -> bool:
        return self.role in (Role.STAFF, Role.ADMIN)

    # Django's own checks let a superuser do everything; here the role decides
    # (kejiju.permissions.model_permissions), for the admin site as for everything else.
    def get_all_permissions(self, obj=None) -> set[str]:
        from .permissions import model_permissions

        return set(model_permissions(self)) if obj is None else set()

    def get_user_permissions(self, obj=None) -> set[str]:
        return self.get_all_permissions(obj)

    def get_group_permissions(self, obj=None) -> set[str]:
        return self.get_all_permissions(obj)

    def has_perm(self, perm, obj=None) -> bool:
        from .permissions import model_permissions

        return obj is None and perm in model_permissions(self)

    def has_perms(self, perm_list, obj=None) -> bool:
        return all(self.has_perm(perm, obj) for perm in perm_list)

    def has_module_perms(self, app_label) -> bool:
        from .permissions import model_permissions

        return any(perm.startswith(f"{app_label}.") for perm in model_permissions(self))


class Town(models.Model):
    """A town or subdistrict (镇街) of the county."""

    name = models.CharField("名称", max_length=50, unique=True)
    order = models.PositiveSmallIntegerField("排序", default=0)
    active = models.BooleanField("启用", default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "镇街"
        verbose_name_plural = "镇街"
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class PlanCategory(models.Model):
    """A science & technology plan category (计划类别) projects are filed under."""

    code = models.SlugField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=100, unique=True)
    level = models.CharField("级别", max_length=20, choices=Level.choices)
    legacy = models.BooleanField("已停止的历史计划", default=False)
    order = models.PositiveSmallIntegerField("排序", default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "计划类别"
        verbose_name_plural = "计划类别"
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class CalendarDay(models.Model):
    """A day whose status the office sets by hand (日历调整), over the statutory calendar: for a year
    whose 放假安排 the calendar library does not know yet, or a local change."""

    date = models.DateField("日期", unique=True)
    is_workday = models.BooleanField(
        "工作日", help_text="勾选：上班（如调休上班的周末）；不勾选：放假。"
    )
    note = models.CharField("说明", max_length=100, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "日历调整"
        verbose_name_plural = "日历调整"
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {'上班' if self.is_workday else '放假'}"


class TechField(models.Model):
    """One of the 国家重点支持的高新技术领域."""

    name = models.CharField("名称", max_length=50, unique=True)
    order = models.PositiveSmallIntegerField("排序", default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "高新技术领域"
        verbose_name_plural = "高新技术领域"
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("审计日志只能追加，不能修改。")

    def delete(self):
        raise PermissionError("审计日志只能追加，不能删除。")


class AuditEvent(models.Model):
    """An authentication or access-control event. Append-only: rows are never changed or removed."""

    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    action = models.CharField("事件", max_length=30, choices=AuditAction.choices, db_index=True)
    username = models.CharField("用户名", max_length=150, blank=True, db_index=True)
    user = models.ForeignKey(
        User,
        verbose_name="用户",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    ip_address = models.GenericIPAddressField("IP 地址", null=True, blank=True)
    path = models.CharField("访问路径", max_length=500, blank=True)
    user_agent = models.CharField("浏览器", max_length=300, blank=True)
    detail = models.CharField("说明", max_length=500, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = "审计日志"
        verbose_name_plural = "审计日志"
        ordering = ["-at", "-id"]
        # Login failures, registrations and reset requests are counted per client address
        # within a time window (kejiju.accounts.limits).
        indexes = [
            models.Index(fields=["ip_address", "action", "at"], name="kejiju_audit_ip_action_at")
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.get_action_display()} {self.username}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise PermissionError("审计日志只能追加，不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("审计日志只能追加，不能删除。")


from .imports.models import ImportJob  # noqa: E402  (spreadsheet import jobs)

__all__ = ["AuditEvent", "CalendarDay", "ImportJob", "PlanCategory", "TechField", "Town", "User"]
