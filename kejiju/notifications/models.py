"""A notification told to one user, and what each user chose to receive beside the centre.

Notifications are kept (at least a year: the portal never deletes them); only their recipient
sees them. ``key`` makes a reminder idempotent: a recipient holds at most one notification of a
non-empty key, which the database enforces."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone

MOBILE_VALIDATOR = RegexValidator(
    r"^1[3-9]\d{9}$", "请输入 11 位中国大陆手机号码（1 开头，如 13800001234）。"
)


class Delivery(models.TextChoices):
    """The state of one channel (e-mail or SMS) of a notification."""

    NONE = "", "不发送"
    PENDING = "pending", "待发送"
    SENT = "sent", "已发送"
    FAILED = "failed", "发送失败"


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)

    def for_user(self, user):
        return self.filter(recipient=user)

    def unread_first(self):
        return self.order_by(models.F("read_at").desc(nulls_first=True), "-created_at", "-id")


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="接收人",
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField("类型", max_length=60, db_index=True)
    text = models.TextField("内容")
    link = models.CharField("链接", max_length=300, blank=True)
    content_type = models.ForeignKey(
        ContentType, verbose_name="相关记录类型", on_delete=models.CASCADE, null=True, blank=True
    )
    object_id = models.PositiveBigIntegerField("相关记录", null=True, blank=True)
    about = GenericForeignKey("content_type", "object_id")
    created_at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)
    key = models.CharField("提醒标识", max_length=200, blank=True)
    # e-mail: sent at once (a subject was given), or pending for the recipient's daily digest
    email_state = models.CharField(
        "邮件", max_length=10, choices=Delivery.choices, blank=True, default=Delivery.NONE
    )
    emailed_at = models.DateTimeField("邮件发送时间", null=True, blank=True)
    # SMS for the kinds the recipient opted into; a failure is retried by the next run
    sms_state = models.CharField(
        "短信", max_length=10, choices=Delivery.choices, blank=True, default=Delivery.NONE
    )
    sms_attempts = models.PositiveSmallIntegerField("短信发送次数", default=0)
    sms_sent_at = models.DateTimeField("短信发送时间", null=True, blank=True)
    sms_error = models.CharField("短信失败原因", max_length=300, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = "消息"
        verbose_name_plural = "消息"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"],
                condition=~models.Q(key=""),
                name="notification_key_once_per_recipient",
            ),
            models.CheckConstraint(
                condition=models.Q(content_type__isnull=True, object_id__isnull=True)
                | models.Q(content_type__isnull=False, object_id__isnull=False),
                name="notification_about_whole",
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(fields=["email_state"], name="notification_email_state"),
            models.Index(fields=["sms_state"], name="notification_sms_state"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient} · {self.text[:40]}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class Contact(models.Model):
    """The mobile number a user receives SMS reminders on (kept here, beside the preferences)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        on_delete=models.CASCADE,
        related_name="notification_contact",
    )
    mobile = models.CharField(
        "接收短信的手机号码", max_length=11, blank=True, validators=[MOBILE_VALIDATOR]
    )

    class Meta:
        verbose_name = "提醒联系方式"
        verbose_name_plural = "提醒联系方式"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(mobile="") | models.Q(mobile__regex=r"^1[3-9][0-9]{9}$"),
                name="notification_contact_mobile_mainland",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.mobile}"


class Preference(models.Model):
    """A user's channels for one kind. Without a row the defaults hold: the centre and the
    e-mail digest, no SMS."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField("类型", max_length=60)
    email = models.BooleanField("邮件摘要", default=True)
    sms = models.BooleanField("短信", default=False)

    class Meta:
        verbose_name = "提醒偏好"
        verbose_name_plural = "提醒偏好"
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.kind}"
