from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .second_factor import ENROLLED_SESSION_KEY, has_any_device


@receiver(user_logged_in)
def remember_enrolment(sender, request, user, **kwargs) -> None:
    """Whether the user has a second factor is read once per login, not on every request."""
    if request is not None and hasattr(request, "session"):
        request.session[ENROLLED_SESSION_KEY] = has_any_device(user)
