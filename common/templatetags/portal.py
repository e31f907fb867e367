"""Template helpers shared by every app: times in Korea/Japan time and deadlines."""

from datetime import datetime

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()

# Korea and Japan are both UTC+9 all year: one zone covers both partners.
LOCAL_TZ_LABEL = "KST/JST"


@register.filter
def local_dt(value: datetime | None, fmt: str = "Y-m-d H:i") -> str:
    """``2027-03-31 18:00 KST/JST``: a UTC timestamp shown in the portal's zone."""
    if not value:
        return ""
    return f"{date_filter(timezone.localtime(value), fmt)} {LOCAL_TZ_LABEL}"


@register.filter
def countdown(value: datetime | None) -> str:
    """Time left until ``value`` in words a person reads at a glance."""
    if not value:
        return ""
    seconds = (value - timezone.now()).total_seconds()
    if seconds <= 0:
        return _("passed")
    days = int(seconds // 86400)
    if days >= 1:
        return ngettext("%(count)d day left", "%(count)d days left", days) % {"count": days}
    hours = int(seconds // 3600)
    if hours >= 1:
        return ngettext("%(count)d hour left", "%(count)d hours left", hours) % {"count": hours}
    minutes = max(1, int(seconds // 60))
    return ngettext("%(count)d minute left", "%(count)d minutes left", minutes) % {"count": minutes}


@register.simple_tag(takes_context=True)
def page_url(context, page_number: int) -> str:
    """The current list URL with its filters kept and ``page`` replaced."""
    query = context.get("query", "")
    return f"?{query}&page={page_number}" if query else f"?page={page_number}"
