from django.db import models
from simple_history.models import HistoricalRecords

from .choices import ExpertStatus, Gender, Title
from .querysets import ExpertQuerySet


class Expert(models.Model):
    """A member of the bureau's expert pool (专家库) who reviews applications and acceptances."""

    name = models.CharField("姓名", max_length=50, db_index=True)
    employer = models.CharField("工作单位", max_length=200)
    employer_enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name="工作单位（企业）",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="experts",
    )
    title = models.CharField("职称", max_length=20, choices=Title.choices)
    specialties = models.CharField("专业领域", max_length=300)
    mobile = models.CharField("手机", max_length=20, unique=True)
    gender = models.CharField("性别", max_length=10, choices=Gender.choices, blank=True)
    birth_year = models.PositiveSmallIntegerField("出生年份", null=True, blank=True)
    email = models.EmailField("电子邮箱", blank=True)
    status = models.CharField(
        "状态",
        max_length=20,
        choices=ExpertStatus.choices,
        default=ExpertStatus.ACTIVE,
        db_index=True,
    )
    entered_on = models.DateField("入库日期", null=True, blank=True)
    objects = ExpertQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "专家"
        verbose_name_plural = "专家"
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name}（{self.employer}）"
