from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """The notification centre (消息中心), the reminders each app declares in its ``reminders.py``
    and the channels they go out by: in-app always, a daily e-mail digest, SMS for the kinds a
    user opts into."""

    name = "kejiju.notifications"
    label = "notifications"
    verbose_name = "消息提醒"
