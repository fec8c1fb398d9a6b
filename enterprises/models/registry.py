from django.db import models
from simple_history.models import HistoricalRecords

from kejiju.choices import Level

from .choices import InstitutionType, QualificationType, RecognitionKind
from .querysets import QualificationQuerySet, RDInstitutionQuerySet


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
        ]

    def __str__(self) -> str:
        return self.name


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
