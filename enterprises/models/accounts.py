from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class AccountRequest(models.Model):
    """An enterprise's request for a portal account, filed on the public registration page and
    activated (or declined) by the bureau's staff."""

    class Status(models.TextChoices):
        PENDING = "pending", "待审核"
        ACTIVATED = "activated", "已开通"
        DECLINED = "declined", "未通过"

    credit_code = models.CharField("统一社会信用代码", max_length=18, db_index=True)
    enterprise_name = models.CharField("企业名称", max_length=200)
    town = models.ForeignKey("kejiju.Town", verbose_name="所属镇街", on_delete=models.PROTECT)
    contact = models.CharField("联系人", max_length=50)
    phone = models.CharField("联系电话", max_length=30)
    email = models.EmailField("电子邮箱")
    username = models.CharField("登录用户名", max_length=150)
    password = models.CharField("密码（已加密）", max_length=128)
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    created_at = models.DateTimeField("申请时间", auto_now_add=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="处理人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    handled_at = models.DateTimeField("处理时间", null=True, blank=True)
    note = models.CharField("处理意见", max_length=200, blank=True)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name="企业",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="account_requests",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="开通的账号",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="account_request",
    )
    history = HistoricalRecords(excluded_fields=["password"])

    class Meta:
        verbose_name = "企业账号申请"
        verbose_name_plural = "企业账号申请"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="activated") | models.Q(user__isnull=False),
                name="account_request_activated_has_user",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_name}（{self.contact}）"
