from django.conf import settings
from django.core.checks import Error, register

# 等保 asks that audit records be kept no fewer than 180 days; the database refuses deletes of
# younger events whatever the setting says, and this check refuses a setting that promises less.
AUDIT_LOG_MINIMUM_DAYS = 180


@register()
def audit_log_retention(app_configs, **kwargs):
    days = settings.AUDIT_LOG_RETENTION_DAYS
    if days < AUDIT_LOG_MINIMUM_DAYS:
        return [
            Error(
                f"审计日志保留期 KEJIJU_AUDIT_RETENTION_DAYS={days} 天，少于等保要求的 "
                f"{AUDIT_LOG_MINIMUM_DAYS} 天。",
                hint=f"设为 {AUDIT_LOG_MINIMUM_DAYS} 或更长。",
                id="kejiju.E001",
            )
        ]
    return []
