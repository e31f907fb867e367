import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .catalogue import localized_fields
from .enums import PUBLIC_PHASES, TRL_CHOICES, Field, HolderType, IPStatus
from .models import Challenge, Cycle, Technology


def _search(queryset, fields: list[str], value: str):
    query = Q()
    for word in value.split():
        word_query = Q()
        for field in fields:
            word_query |= Q(**{f"{field}__icontains": word})
        query &= word_query
    return queryset.filter(query)


class TechnologyFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    field = django_filters.ChoiceFilter(label=_("Field"), choices=Field.choices)
    holder_type = django_filters.ChoiceFilter(label=_("Holder type"), choices=HolderType.choices)
    ip_status = django_filters.ChoiceFilter(label=_("IP status"), choices=IPStatus.choices)
    trl_min = django_filters.TypedChoiceFilter(
        label=_("Minimum TRL"),
        choices=TRL_CHOICES,
        coerce=int,
        field_name="trl",
        lookup_expr="gte",
    )
    cycle = django_filters.ModelChoiceFilter(
        label=_("Offered in"),
        field_name="cycles",
        queryset=Cycle.objects.filter(phase__in=PUBLIC_PHASES, technologies__isnull=False)
        .select_related("program")
        .distinct(),
    )

    class Meta:
        model = Technology
        fields: list[str] = []

    def filter_q(self, queryset, name, value):
        # Every language's text, so that an untranslated item shown in English is found too.
        return _search(queryset, [*localized_fields(Technology), "holder"], value)


class ChallengeFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    field = django_filters.ChoiceFilter(label=_("Field"), choices=Field.choices)
    cycle = django_filters.ModelChoiceFilter(
        label=_("Offered in"),
        field_name="cycles",
        queryset=Cycle.objects.filter(phase__in=PUBLIC_PHASES, challenges__isnull=False)
        .select_related("program")
        .distinct(),
    )

    class Meta:
        model = Challenge
        fields: list[str] = []

    def filter_q(self, queryset, name, value):
        return _search(queryset, [*localized_fields(Challenge), "company"], value)
