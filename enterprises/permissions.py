"""Who may see and change what in the enterprises app, decided here and nowhere else.

Bureau staff see everything. An enterprise user sees only their own enterprise, its applications
and their attachments: anything else is looked up through ``visible_to(user)`` and answers 404.
"""

from django.shortcuts import get_object_or_404

from kejiju.choices import Role
from kejiju.permissions import BUREAU

from .models import Application, Attachment, Enterprise

STAFF = BUREAU
APPLICANTS = (Role.ENTERPRISE, *BUREAU)
REGISTRY_READERS = (*BUREAU, Role.LEADER)


def application_for(user, pk: int) -> Application:
    return get_object_or_404(
        Application.objects.visible_to(user).select_related("enterprise", "rule_set"), pk=pk
    )


def attachment_for(user, pk: int) -> Attachment:
    visible = Application.objects.visible_to(user)
    return get_object_or_404(
        Attachment.objects.select_related("application"), pk=pk, application__in=visible
    )


def enterprise_for(user, pk: int) -> Enterprise:
    return get_object_or_404(Enterprise.objects.visible_to(user), pk=pk)


def may_edit(user, application: Application) -> bool:
    """The enterprise's own users edit its drafts; staff review rather than edit."""
    return (
        user.role == Role.ENTERPRISE
        and application.enterprise_id == user.enterprise_id
        and application.editable
    )
