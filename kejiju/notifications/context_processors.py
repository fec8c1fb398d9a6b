from .services import unread_count


def notifications(request):
    """The unread count of the top bar's 消息中心 (one COUNT on an index, per page)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.role:
        return {}
    return {"unread_notifications": unread_count(user)}
