"""Template helpers of the managers' selection pages (ranking, decisions, dashboard)."""

from decimal import Decimal

from django import template
from django.conf import settings

from applications.enums import ApplicationStatus
from programs.enums import Field, Organisation
from reviews import selectors

register = template.Library()

_FIELDS = dict(Field.choices)


@register.filter
def score(value: Decimal | None) -> str:
    """A score with its two decimals, or a dash when it is not known yet."""
    return "—" if value is None else f"{value:.2f}"


@register.filter
def judged_field(application) -> str:
    """The label of the field the application is judged in (``application_field``)."""
    return _FIELDS.get(selectors.application_field(application), "")


@register.filter
def track_item(application) -> str:
    return selectors.track_item_label(application)


@register.filter
def organisation_short(value: str) -> str:
    """``MSS`` or ``iPark``: the organisation's label without its long name."""
    return str(Organisation(value).label).split(" (")[0] if value else ""


@register.simple_tag
def selection_summary(cycle) -> dict:
    """What the cycle page's selection panel shows (three queries)."""
    counts = selectors.status_counts(cycle)
    return {
        "selected": counts[ApplicationStatus.SELECTED],
        "counts": [(status, counts[status]) for status in selectors.RANKED_STATUS_ORDER],
        "readiness": selectors.announcement_readiness(cycle),
    }


@register.simple_tag(takes_context=True)
def reviewer_comments(context, application) -> list[str]:
    """The reviewers' comments to the applicant that the current user may read on the
    application page (``selectors.feedback_for``: members, once announced, no names)."""
    return selectors.feedback_for(context["request"].user, application)


@register.filter
def language_name(code: str) -> str:
    """The name of a portal language (``ko`` → "Korean") in the reader's language."""
    return str(dict(settings.LANGUAGES).get(code, code))
