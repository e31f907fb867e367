from django.contrib import admin

from .forms import ReviewerAdminForm
from .models import Assignment, ConflictDeclaration, PledgeAcceptance, Review, Reviewer


@admin.register(Reviewer)
class ReviewerAdmin(admin.ModelAdmin):
    form = ReviewerAdminForm
    list_display = ["user", "organisation", "is_active"]
    list_filter = ["organisation", "is_active"]
    search_fields = ["user__email", "user__display_name"]
    autocomplete_fields = ["user"]


# --- Reviewing: read-only records (the portal's services write them) ----------------------


class ReadOnlyAdmin(admin.ModelAdmin):
    """Pledges, conflicts, assignments and reviews change only through the portal's pages
    and services (history rows, notifications); the admin shows them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PledgeAcceptance)
class PledgeAcceptanceAdmin(ReadOnlyAdmin):
    list_display = ["reviewer", "cycle", "text_version", "accepted_at"]
    list_filter = ["cycle__program", "text_version"]
    list_select_related = ["reviewer__user", "cycle__program"]


@admin.register(ConflictDeclaration)
class ConflictDeclarationAdmin(ReadOnlyAdmin):
    list_display = ["reviewer", "company", "application", "declared_at"]
    search_fields = ["reviewer__user__email", "company__name_en", "company__business_number"]
    list_select_related = ["reviewer__user", "company", "application"]


class ReviewInline(admin.StackedInline):
    model = Review
    fields = [
        "status",
        "recommendation",
        "comment_to_applicant",
        "comment_language",
        "internal_comment",
    ]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ["application", "reviewer", "status", "is_manual", "confirmed_at"]
    list_filter = ["status", "is_manual", "application__cycle__program"]
    search_fields = ["application__reference", "reviewer__user__email"]
    list_select_related = ["application__company", "application__cycle", "reviewer__user"]
    inlines = [ReviewInline]
