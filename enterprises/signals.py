"""An enterprise that gains its first user gets it as its administrator (企业管理员), however the
account was made (registration, invitation, the admin site, the demo data)."""

from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver

from kejiju.choices import Role


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def first_user_administers(sender, instance, raw=False, **kwargs) -> None:
    if raw or instance.role != Role.ENTERPRISE or not instance.enterprise_id:
        return
    if not instance.is_active:
        return
    from .models import Enterprise

    if Enterprise.objects.filter(administrator=instance).exists():
        return
    Enterprise.objects.filter(pk=instance.enterprise_id, administrator__isnull=True).update(
        administrator=instance
    )
