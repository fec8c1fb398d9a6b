from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from kejiju.permissions import role_required

from . import services
from .forms import PreferencesForm
from .models import Notification
from .permissions import CENTRE_ROLES
from .registry import kinds


@role_required(*CENTRE_ROLES)
def centre(request):
    """消息中心: the user's own notifications, unread first."""
    mine = Notification.objects.for_user(request.user)
    show = request.GET.get("show", "")
    rows = mine.unread() if show == "unread" else mine
    page = Paginator(rows.unread_first(), 20).get_page(request.GET.get("page"))
    labels = kinds()
    return render(
        request,
        "notifications/centre.html",
        {
            "page": page,
            "show": show if show == "unread" else "",
            "labels": labels,
            "unread": mine.unread().count(),
            "rows": [(n, labels.get(n.kind, "消息")) for n in page],
        },
    )


def _own(request, pk: int) -> Notification:
    return get_object_or_404(Notification.objects.for_user(request.user), pk=pk)


@require_POST
@role_required(*CENTRE_ROLES)
def read(request, pk: int):
    services.mark_read(_own(request, pk))
    return redirect("notifications:centre")


@require_POST
@role_required(*CENTRE_ROLES)
def open_link(request, pk: int):
    """Marks the notification read and goes to the record it is about."""
    notification = services.mark_read(_own(request, pk))
    link = notification.link
    if link and link.startswith("/") and url_has_allowed_host_and_scheme(link, None):
        return redirect(link)
    return redirect("notifications:centre")


@require_POST
@role_required(*CENTRE_ROLES)
def read_all(request):
    count = services.mark_all_read(request.user)
    messages.success(request, f"已将 {count} 条消息标为已读。" if count else "没有未读消息。")
    return redirect("notifications:centre")


@role_required(*CENTRE_ROLES)
def preferences(request):
    """提醒设置: per kind, the e-mail digest and SMS; the mobile number SMS goes to."""
    labels = kinds()
    chosen = services.preferences_of(request.user)
    form = PreferencesForm(
        request.POST or None,
        kinds=labels,
        chosen=chosen,
        initial={"mobile": services.mobile_of(request.user)},
    )
    if request.method == "POST" and form.is_valid():
        services.save_preferences(
            request.user, mobile=form.cleaned_data["mobile"], chosen=form.chosen()
        )
        messages.success(request, "提醒设置已保存。")
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})
