"""Template helpers of the applicant pages."""

from django import template
from django.utils.translation import gettext as _

from applications import selectors
from applications.enums import ApplicationStatus

register = template.Library()

S = ApplicationStatus

_BADGES = {
    S.DRAFT: "text-bg-secondary",
    S.SUBMITTED: "text-bg-primary",
    S.UNDER_REVIEW: "text-bg-info",
    S.INELIGIBLE: "text-bg-dark",
    S.SELECTED: "text-bg-success",
    S.WAITLISTED: "text-bg-warning",
    S.REJECTED: "text-bg-secondary",
    S.WITHDRAWN: "text-bg-light border",
}


@register.inclusion_tag("applications/_status_badge.html")
def status_badge(status: str):
    """A coloured badge for a status value (pass the status the viewer may see)."""
    return {"label": S(status).label, "css": _BADGES.get(status, "text-bg-secondary")}


@register.simple_tag(takes_context=True)
def my_applications_to(context, cycle) -> list:
    """The current user's companies' live applications to ``cycle`` (cycle page)."""
    user = context["request"].user
    if not user.is_authenticated:
        return []
    return selectors.live_applications_of(user, cycle)


@register.filter
def applicant_status(application) -> str:
    """The status the company sees (``applications.selectors.applicant_status``)."""
    return selectors.applicant_status(application)


@register.simple_tag(takes_context=True)
def visible_status(context, application) -> str:
    return selectors.status_visible_to(context["request"].user, application)


@register.filter
def next_action(application) -> str:
    """What the company should do next, in a few words."""
    status = selectors.applicant_status(application)
    if status == S.DRAFT:
        return _("Complete and submit before the deadline")
    if status in (S.SUBMITTED, S.UNDER_REVIEW):
        return _("Nothing to do: results are announced after the review")
    if status == S.SELECTED:
        return _("Congratulations: the program team will contact you")
    if status == S.WAITLISTED:
        return _("You are on the waiting list: we will tell you if a place opens")
    return _("Nothing to do")


@register.filter
def is_empty_draft(application) -> bool:
    """A draft with no answer and no document (``selectors.is_empty_draft``)."""
    return selectors.is_empty_draft(application)
