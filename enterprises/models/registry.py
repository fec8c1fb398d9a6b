from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from kejiju.choices import Level
from kejiju.codes import credit_code_error, normalize_credit_code

from ..choices import InstitutionType, PlatformType, QualificationType, RecognitionKind
from ..querysets import (
    EXPIRY_NOTICE_DAYS,
    HNTE_VALIDITY_YEARS,
    EnterpriseQuerySet,
    PlatformQuerySet,
    QualificationQuerySet,
    RDInstitutionQuerySet,
    years_before,
)


class Enterprise(models.Model):
    """An enterprise of the county that the bureau keeps on its registry (企业名录)."""

    credit_code = models.CharField("统一社会信用代码", max_length=18, unique=True)
    credit_code_override = models.CharField(
        "校验不通过的说明",
        max_length=200,
        blank=True,
        help_text="早期试点代码无法通过校验时，由工作人员填写原因后保存。",
    )
    name = models.CharField("企业名称", max_length=200, db_index=True)
    town = models.ForeignKey(
        "kejiju.Town", verbose_name="所属镇街", on_delete=models.PROTECT, related_name="enterprises"
    )
    industry = models.CharField("行业类别", max_length=100, blank=True)
    tech_field = models.ForeignKey(
        "kejiju.TechField",
        verbose_name="技术领域",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enterprises",
    )
    founded_on = models.DateField("成立日期", null=True, blank=True)
    registered_capital = models.DecimalField(
        "注册资本(万元)", max_digits=14, decimal_places=2, null=True, blank=True
    )
    staff_count = models.PositiveIntegerField("从业人数", null=True, blank=True)
    contact = models.CharField("联系人", max_length=50, blank=True)
    phone = models.CharField("联系电话", max_length=30, blank=True)
    email = models.EmailField("联系邮箱", blank=True)
    address = models.CharField("通讯地址", max_length=200, blank=True)
    administrator = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="企业管理员",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="administered_enterprise",
        help_text="同意本企业其他人加入、移除本企业用户的账号：首个账号，可移交给本企业其他用户。",
    )
    objects = EnterpriseQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "企业"
        verbose_name_plural = "企业"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(registered_capital__isnull=True)
                | models.Q(registered_capital__gte=0),
                name="enterprise_capital_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(staff_count__isnull=True) | models.Q(staff_count__gte=0),
                name="enterprise_staff_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def qualification_flags(self, today=None) -> list[dict]:
        """The current qualifications that have ended or end within ``EXPIRY_NOTICE_DAYS``,
        each with its state and its label (已过期, 即将到期)."""
        today = today or timezone.localdate()
        flags = []
        for qualification in self.qualifications.current().order_by("kind", "level"):
            state = qualification.expiry_state(today)
            if state:
                label = "已过期" if state == "expired" else "即将到期"
                flags.append({"qualification": qualification, "state": state, "label": label})
        return flags

    def clean(self) -> None:
        super().clean()
        errors = {}
        self.credit_code = normalize_credit_code(self.credit_code)
        self.credit_code_override = (self.credit_code_override or "").strip()
        message = credit_code_error(self.credit_code)
        if message and not (self.credit_code_override and len(self.credit_code) == 18):
            errors["credit_code"] = message + (
                ""
                if len(self.credit_code) != 18
                else "；如确为早期试点代码，请填写校验不通过的说明。"
            )
        if self.founded_on and self.founded_on > timezone.localdate():
            errors["founded_on"] = "成立日期不能晚于今天"
        if errors:
            raise ValidationError(errors)


class Qualification(models.Model):
    """A qualification (资质) an enterprise was recognised with, e.g. 高新技术企业 国家级."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name="企业", on_delete=models.CASCADE, related_name="qualifications"
    )
    kind = models.CharField("资质类型", max_length=20, choices=QualificationType.choices)
    level = models.CharField("级别", max_length=20, choices=Level.choices)
    recognition = models.CharField(
        "认定类型", max_length=10, choices=RecognitionKind.choices, default=RecognitionKind.FIRST
    )
    certificate_no = models.CharField("证书编号", max_length=60, blank=True)
    recognized_on = models.DateField("认定日期", db_index=True)
    valid_until = models.DateField("有效期至", null=True, blank=True)
    objects = QualificationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "企业资质"
        verbose_name_plural = "企业资质"
        ordering = ["-recognized_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "kind", "level", "recognized_on"],
                name="qualification_natural_key",
            ),
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_until__gte=models.F("recognized_on")),
                name="qualification_valid_after_recognition",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.get_kind_display()}（{self.get_level_display()}）"

    @property
    def ends_on(self):
        """The last day the qualification is valid, ``None`` when it does not expire."""
        if self.valid_until:
            return self.valid_until
        if self.kind == QualificationType.HNTE and self.level == Level.NATIONAL:
            end = years_before(self.recognized_on, -HNTE_VALIDITY_YEARS)
            return end - timedelta(days=1)
        return None

    def expiry_state(self, today=None) -> str:
        """``"expired"``, ``"expiring"`` (within ``EXPIRY_NOTICE_DAYS``) or ``""``."""
        today = today or timezone.localdate()
        end = self.ends_on
        if end is None or end >= today + timedelta(days=EXPIRY_NOTICE_DAYS):
            return ""
        return "expired" if end < today else "expiring"

    def clean(self) -> None:
        super().clean()
        if self.valid_until and self.recognized_on and self.valid_until < self.recognized_on:
            raise ValidationError({"valid_until": "有效期至不能早于认定日期"})


class RDInstitution(models.Model):
    """An R&D institution (研发机构) an enterprise runs, e.g. 省级企业研究院."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name="企业", on_delete=models.CASCADE, related_name="rd_institutions"
    )
    name = models.CharField("机构名称", max_length=200, unique=True)
    kind = models.CharField("机构类型", max_length=30, choices=InstitutionType.choices)
    level = models.CharField("级别", max_length=20, choices=Level.choices)
    recognized_on = models.DateField("认定日期", db_index=True)
    objects = RDInstitutionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "研发机构"
        verbose_name_plural = "研发机构"
        ordering = ["-recognized_on"]

    def __str__(self) -> str:
        return self.name


class InnovationPlatform(models.Model):
    """An innovation platform of the county: an incubator, a public technical service centre, an
    industrial technology innovation alliance (with its member enterprises) or an intermediary."""

    kind = models.CharField("平台类型", max_length=20, choices=PlatformType.choices)
    name = models.CharField("平台名称", max_length=200, unique=True)
    level = models.CharField("级别", max_length=20, choices=Level.choices, blank=True)
    operator = models.ForeignKey(
        Enterprise,
        verbose_name="运营（牵头）单位",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="platforms_run",
    )
    town = models.ForeignKey(
        "kejiju.Town", verbose_name="所属镇街", on_delete=models.PROTECT, null=True, blank=True
    )
    recognized_on = models.DateField("认定（成立）日期", null=True, blank=True)
    closed_on = models.DateField("撤销（终止）日期", null=True, blank=True)
    floor_area = models.DecimalField(
        "场地面积(平方米)", max_digits=12, decimal_places=2, null=True, blank=True
    )
    note = models.TextField("说明", blank=True)
    members = models.ManyToManyField(
        Enterprise,
        through="PlatformMembership",
        related_name="platforms",
        verbose_name="成员企业",
        blank=True,
    )
    objects = PlatformQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "创新平台"
        verbose_name_plural = "创新平台"
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closed_on__isnull=True)
                | models.Q(recognized_on__isnull=True)
                | models.Q(closed_on__gte=models.F("recognized_on")),
                name="platform_closed_after_recognized",
            ),
            models.CheckConstraint(
                condition=models.Q(floor_area__isnull=True) | models.Q(floor_area__gte=0),
                name="platform_area_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.recognized_on and self.recognized_on > timezone.localdate():
            raise ValidationError({"recognized_on": "认定日期不能晚于今天"})
        if self.closed_on and self.recognized_on and self.closed_on < self.recognized_on:
            raise ValidationError({"closed_on": "撤销日期不能早于认定日期"})


class PlatformMembership(models.Model):
    """An enterprise's membership of a platform (an alliance's members, an incubator's tenants)."""

    platform = models.ForeignKey(
        InnovationPlatform,
        verbose_name="平台",
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name="企业", on_delete=models.CASCADE, related_name="memberships"
    )
    joined_on = models.DateField("加入日期", null=True, blank=True)
    left_on = models.DateField("退出日期", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "平台成员"
        verbose_name_plural = "平台成员"
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "enterprise", "joined_on"], name="membership_natural_key"
            ),
            models.CheckConstraint(
                condition=models.Q(left_on__isnull=True)
                | models.Q(joined_on__isnull=True)
                | models.Q(left_on__gte=models.F("joined_on")),
                name="membership_left_after_joined",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.platform} · {self.enterprise}"
