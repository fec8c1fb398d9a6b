from django.db import models
from simple_history.models import HistoricalRecords

from .choices import ContractType, FundingMode, ProjectStatus
from .querysets import AuctionDealQuerySet, ProjectQuerySet, TechContractQuerySet

AMOUNT = {"max_digits": 14, "decimal_places": 2}


class Project(models.Model):
    """A science & technology project filed under a plan category, from application to acceptance."""

    number = models.CharField("项目编号", max_length=60, unique=True)
    name = models.CharField("项目名称", max_length=300)
    category = models.ForeignKey(
        "kejiju.PlanCategory",
        verbose_name="计划类别",
        on_delete=models.PROTECT,
        related_name="projects",
    )
    undertaker = models.CharField("承担单位", max_length=200)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name="承担企业",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="projects",
    )
    applied_on = models.DateField("申报日期", db_index=True)
    status = models.CharField("状态", max_length=20, choices=ProjectStatus.choices, db_index=True)
    approved_on = models.DateField("立项日期", null=True, blank=True, db_index=True)
    funding = models.DecimalField("资助金额(万元)", null=True, blank=True, **AMOUNT)
    funding_mode = models.CharField(
        "资助方式", max_length=20, choices=FundingMode.choices, blank=True
    )
    town = models.ForeignKey(
        "kejiju.Town",
        verbose_name="所属镇街",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
    )
    objects = ProjectQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "科技项目"
        verbose_name_plural = "科技项目"
        ordering = ["-applied_on", "number"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(funding__isnull=True) | models.Q(funding__gte=0),
                name="project_funding_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(approved_on__isnull=True)
                | models.Q(approved_on__gte=models.F("applied_on")),
                name="project_approved_after_applied",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class TechContract(models.Model):
    """A technology contract registered with the bureau (技术合同认定登记)."""

    registration_no = models.CharField("合同登记号", max_length=60, unique=True)
    name = models.CharField("合同名称", max_length=300)
    kind = models.CharField("合同类型", max_length=20, choices=ContractType.choices)
    seller = models.CharField("卖方", max_length=200)
    buyer = models.CharField("买方", max_length=200)
    amount = models.DecimalField("成交金额(万元)", **AMOUNT)
    tech_amount = models.DecimalField("技术交易额(万元)", null=True, blank=True, **AMOUNT)
    registered_on = models.DateField("登记日期", db_index=True)
    objects = TechContractQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "技术合同"
        verbose_name_plural = "技术合同"
        ordering = ["-registered_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="contract_amount_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(tech_amount__isnull=True)
                | (models.Q(tech_amount__gte=0) & models.Q(tech_amount__lte=models.F("amount"))),
                name="contract_tech_amount_within_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.registration_no} {self.name}"


class AuctionDeal(models.Model):
    """A deal struck at a technology-achievement auction (科技成果竞价)."""

    achievement = models.CharField("成果名称", max_length=300, unique=True)
    winner = models.CharField("竞得企业", max_length=200)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name="竞得企业（登记）",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="auction_deals",
    )
    amount = models.DecimalField("成交金额(万元)", **AMOUNT)
    dealt_on = models.DateField("成交日期", db_index=True)
    event = models.CharField("活动名称", max_length=200, blank=True)
    objects = AuctionDealQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "成果竞价成交"
        verbose_name_plural = "成果竞价成交"
        ordering = ["-dealt_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="auction_amount_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.achievement
