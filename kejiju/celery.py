"""The Celery application, wired the standard way: settings under the ``CELERY`` namespace and
every installed app's ``tasks.py`` discovered."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kejiju.settings")

app = Celery("kejiju")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    "recompute-indicators-nightly": {
        "task": "reports.tasks.recompute_recent_years",
        "schedule": crontab(hour=2, minute=15),
    },
    # Reminders due today, then the SMS and each user's e-mail digest (kejiju.notifications).
    "send-reminders-each-morning": {
        "task": "notifications.send_reminders",
        "schedule": crontab(hour=7, minute=30),
    },
}
