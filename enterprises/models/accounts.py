from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class AccountRequest(models.Model):
    """An enterprise's request for a portal account, filed on the public registration page with
    the enterprise's 营业执照 (and an 授权委托书 when the applicant is not its legal
    representative). The first account of an enterprise is opened by the bureau's staff after
    checking them; a further account only with the consent of the enterprise's administrator
    (企业管理员), or by staff with a recorded reason."""

    class Status(models.TextChoices):
        PENDING = "pending", "待审核"
        ACTIVATED = "activated", "已开通"
        DECLINED = "declined", "未通过"

    class Consent(models.TextChoices):
        FIRST_ACCOUNT = "first", "首个账号（科技局核验营业执照）"
        ENTERPRISE_ADMIN = "admin", "企业管理员同意"
        STAFF_OVERRIDE = "override", "科技局代为开通（已记录理由）"

    credit_code = models.CharField("统一社会信用代码", max_length=18, db_index=True)
    enterprise_name = models.CharField("企业名称", max_length=200)
    town = models.ForeignKey("kejiju.Town", verbose_name="所属镇街", on_delete=models.PROTECT)
    contact = models.CharField("联系人", max_length=50)
    phone = models.CharField("联系电话", max_length=30)
    email = models.EmailField("电子邮箱")
    username = models.CharField("登录用户名", max_length=150)
    password = models.CharField("密码（已加密）", max_length=128)
    legal_representative = models.BooleanField("申请人是企业法定代表人", default=True)
    licence = models.FileField("营业执照", upload_to="accounts/", max_length=200, blank=True)
    licence_name = models.CharField("营业执照原文件名", max_length=200, blank=True)
    authorization = models.FileField(
        "授权委托书", upload_to="accounts/", max_length=200, blank=True
    )
    authorization_name = models.CharField("授权委托书原文件名", max_length=200, blank=True)
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
    consent = models.CharField(
        "开通依据", max_length=10, choices=Consent.choices, blank=True, default=""
    )
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
            # someone acting for the enterprise shows the legal representative's 授权委托书
            models.CheckConstraint(
                condition=models.Q(legal_representative=True) | ~models.Q(authorization=""),
                name="account_request_agent_has_authorization",
            ),
            # the first account of an enterprise is opened only on its 营业执照
            models.CheckConstraint(
                condition=~models.Q(consent="first") | ~models.Q(licence=""),
                name="account_request_first_has_licence",
            ),
            # staff opening an account without the enterprise's consent say why
            models.CheckConstraint(
                condition=~models.Q(consent="override") | ~models.Q(note=""),
                name="account_request_override_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(consent="") | models.Q(status="activated"),
                name="account_request_consent_only_when_activated",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_name}（{self.contact}）"
