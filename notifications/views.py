from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import selectors, services

PAGE_SIZE = 20


@login_required
@require_GET
def inbox(request):
    paginator = Paginator(selectors.notifications_for(request.user), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page, "query": ""})


@login_required
@require_POST
def mark_read(request, pk: int):
    """Mark one notification read. htmx swaps the row and the header badge in place;
    without JavaScript the browser comes back to where it was."""
    notification = selectors.notification_for(request.user, pk)
    services.notification_mark_read(notification=notification, actor=request.user)
    if request.htmx:
        return render(
            request, "notifications/_mark_read_response.html", {"notification": notification}
        )
    return redirect(_back(request))


@login_required
@require_POST
def mark_all_read(request):
    count = services.notifications_mark_all_read(actor=request.user)
    if count:
        messages.success(request, _("All notifications are marked as read."))
    return redirect(_back(request))


@login_required
@require_GET
def open_notification(request, pk: int):
    """Follow a notification's link, marking it read on the way. Only links inside the
    portal are followed, so a notification cannot send anyone elsewhere."""
    notification = selectors.notification_for(request.user, pk)
    services.notification_mark_read(notification=notification, actor=request.user)
    if notification.link and url_has_allowed_host_and_scheme(
        notification.link, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(notification.link)
    return redirect("notifications:inbox")


def _back(request) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "notifications:inbox"
