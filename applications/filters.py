import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from common.api import IdFilter
from programs.enums import Track
from programs.models import CyclePhaseChange

from .enums import ApplicationStatus
from .models import Application, Document, StatusChange


class ApplicationFilter(django_filters.FilterSet):
    """Filters of the applications API. ``status`` is the status the caller sees
    (``visible_status``), so filtering reveals no staged outcome to a company. An unknown
    cycle id filters to nothing (never a 400)."""

    cycle = IdFilter(field_name="cycle_id", label=_("Call"))
    track = django_filters.ChoiceFilter(
        field_name="cycle__program__track", choices=Track.choices, label=_("Track")
    )
    status = django_filters.ChoiceFilter(
        field_name="visible_status", choices=ApplicationStatus.choices, label=_("Status")
    )
    updated_since = django_filters.IsoDateTimeFilter(
        method="filter_updated_since",
        label=_("Updated since"),
        help_text="ISO 8601 time: applications whose answers, documents or status (as "
        "the caller sees it, the call's announcement included) changed at or after it.",
    )

    class Meta:
        model = Application
        fields: list[str] = []

    def filter_updated_since(self, queryset, name, value):
        return queryset.filter(
            Q(updated_at__gte=value)
            | Exists(StatusChange.objects.filter(application=OuterRef("pk"), created_at__gte=value))
            | Exists(Document.objects.filter(application=OuterRef("pk"), uploaded_at__gte=value))
            | Exists(
                CyclePhaseChange.objects.filter(cycle=OuterRef("cycle"), created_at__gte=value)
            )
        )
