from django.contrib import admin

from .models import (
    NdaAcceptance,
    PartnerConflict,
    PartnerEntry,
    PartnerEntryEdit,
    PartnerInterest,
    PartnerMembership,
    PartnerOrganisation,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Partners' records change only through the portal's pages and services."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PartnerOrganisation)
class PartnerOrganisationAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "contact_name"]
    list_filter = ["kind"]


@admin.register(PartnerMembership, PartnerEntry, NdaAcceptance, PartnerConflict)
class PartnerRecordAdmin(ReadOnlyAdmin):
    pass


@admin.register(PartnerEntryEdit)
class PartnerEntryEditAdmin(ReadOnlyAdmin):
    list_display = ["partner", "kind", "state", "proposed_at", "decided_at"]
    list_filter = ["state", "kind"]


@admin.register(PartnerInterest)
class PartnerInterestAdmin(ReadOnlyAdmin):
    list_display = ["partner", "application", "level", "marked_at"]
