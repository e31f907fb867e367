"""Filters of the long manager and reviewer lists (django-filter): the decisions page and
its "apply to all matching" action read the same ``DecisionFilter``, so what the
confirmation counts is what the action changes."""

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from applications.enums import ApplicationStatus
from programs.enums import Field

from .enums import ReviewStatus
from .models import Review
from .selectors import APPLICATION_FIELD, RANKED_STATUS_ORDER

# What a reviewer's assignment list filters on: where their review stands.
NOT_STARTED = "not_started"
REVIEW_STATES = [
    (NOT_STARTED, _("Not started")),
    (ReviewStatus.DRAFT.value, ReviewStatus.DRAFT.label),
    (ReviewStatus.SUBMITTED.value, ReviewStatus.SUBMITTED.label),
]


def _words(queryset, fields: list[str], value: str):
    """Every word of ``value`` in one of ``fields`` (case-insensitive)."""
    query = Q()
    for word in value.split()[:10]:
        any_field = Q()
        for field in fields:
            any_field |= Q(**{f"{field}__icontains": word})
        query &= any_field
    return queryset.filter(query)


class _ForgivingFilterSet(django_filters.FilterSet):
    """Unknown values are ignored, not errors (as on the ranking): a shared link with a
    stale filter still shows the list."""

    def matching(self):
        """The queryset filtered by every valid value."""
        self.is_valid()
        for name in list(self.form.errors):
            self.form.cleaned_data.pop(name, None)
        return self.filter_queryset(self.queryset)


class DecisionFilter(_ForgivingFilterSet):
    """The decisions page's filters over a cycle's ranked applications."""

    q = django_filters.CharFilter(
        label=_("Reference or company"), method="filter_q", max_length=200
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        empty_label=_("Every status"),
        choices=[(s.value, ApplicationStatus(s).label) for s in RANKED_STATUS_ORDER],
    )
    field = django_filters.ChoiceFilter(
        label=_("Field"), empty_label=_("Every field"), choices=Field.choices, method="filter_field"
    )

    def filter_q(self, queryset, name, value):
        return _words(queryset, ["reference", "company__name_en", "company__name_ko"], value)

    def filter_field(self, queryset, name, value):
        return queryset.alias(judged_field=APPLICATION_FIELD).filter(judged_field=value)


class AssignmentFilter(_ForgivingFilterSet):
    """A reviewer's assignment list: by where the review stands and by reference."""

    q = django_filters.CharFilter(label=_("Reference"), method="filter_q", max_length=200)
    state = django_filters.ChoiceFilter(
        label=_("Your review"),
        empty_label=_("Every state"),
        choices=REVIEW_STATES,
        method="filter_state",
    )

    def filter_q(self, queryset, name, value):
        return _words(queryset, ["application__reference"], value)

    def filter_state(self, queryset, name, value):
        if value == NOT_STARTED:
            return queryset.filter(~Exists(Review.objects.filter(assignment=OuterRef("pk"))))
        return queryset.filter(review__status=value)
