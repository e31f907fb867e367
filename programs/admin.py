from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from common.exceptions import TransitionError
from common.i18n import lazy_interpolate

from .enums import CyclePhase
from .forms import CycleAdminForm
from .models import (
    Challenge,
    Criterion,
    Cycle,
    CyclePhaseChange,
    Program,
    ProgramManager,
    Technology,
)
from .services import cycle_transition


@admin.register(Program)
class ProgramAdmin(TranslationAdmin):
    list_display = ["name", "track", "slug", "order"]
    readonly_fields = ["track"]
    prepopulated_fields = {"slug": ("name",)}

    def has_add_permission(self, request):
        # The three tracks are created by a migration; a fourth would have no behaviour.
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CriterionInline(TranslationTabularInline):
    model = Criterion
    extra = 1
    fields = ["order", "name", "description", "weight", "max_score"]


class PhaseChangeInline(admin.TabularInline):
    model = CyclePhaseChange
    extra = 0
    can_delete = False
    readonly_fields = ["from_phase", "to_phase", "actor", "note", "created_at"]
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False


def _phase_action(target: CyclePhase):
    def action(modeladmin, request, queryset):
        for cycle in queryset:
            # The admin admits operators only (common.admin_site); the same named
            # permission as the manager's pages, should a ModelAdmin ever be reused.
            if not request.user.has_perm("reviews.manage_cycle", cycle):
                raise PermissionDenied
            try:
                cycle_transition(cycle=cycle, to=target, actor=request.user)
            except TransitionError as error:
                modeladmin.message_user(
                    request, f"{cycle}: {' '.join(error.messages)}", messages.ERROR
                )
            else:
                modeladmin.message_user(
                    request,
                    _("%(cycle)s is now “%(phase)s”.") % {"cycle": cycle, "phase": target.label},
                    messages.SUCCESS,
                )

    action.__name__ = f"move_to_{target.value}"
    action.short_description = lazy_interpolate(_("Move to phase: %(phase)s"), phase=target.label)
    return action


@admin.register(Cycle)
class CycleAdmin(TranslationAdmin):
    form = CycleAdminForm
    list_display = ["name", "program", "code", "phase", "opens_at", "closes_at", "selection_quota"]
    list_filter = ["program", "phase", "blind_review"]
    search_fields = ["name", "code", "slug"]
    readonly_fields = ["phase", "created_at", "updated_at"]
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ["technologies", "challenges"]
    date_hierarchy = "opens_at"
    inlines = [CriterionInline, PhaseChangeInline]
    # Announcing is not a bare phase change: it needs both organisations' approvals and
    # sends the results (reviews.services.cycle_announce, on the manager's decisions page).
    actions = [
        _phase_action(phase)
        for phase in CyclePhase
        if phase not in (CyclePhase.DRAFT, CyclePhase.ANNOUNCED)
    ]
    fieldsets = [
        (None, {"fields": ["program", "name", "slug", "code", "description", "phase"]}),
        (_("Timeline"), {"fields": ["opens_at", "closes_at", "review_due_at", "announce_at"]}),
        (
            _("Selection"),
            {"fields": ["selection_quota", "reviews_per_application", "blind_review"]},
        ),
        (_("Requirements"), {"fields": ["required_document_kinds"]}),
        (_("Offered items"), {"fields": ["technologies", "challenges"]}),
        (_("Record"), {"fields": ["created_at", "updated_at"]}),
    ]


@admin.register(Technology)
class TechnologyAdmin(TranslationAdmin):
    list_display = ["title", "holder", "holder_type", "field", "trl", "ip_status", "is_active"]
    list_filter = ["is_active", "field", "holder_type", "ip_status", "trl"]
    search_fields = ["title", "holder", "summary"]


@admin.register(Challenge)
class ChallengeAdmin(TranslationAdmin):
    list_display = ["title", "company", "field", "is_active"]
    list_filter = ["is_active", "field"]
    search_fields = ["title", "company", "problem_statement"]


@admin.register(ProgramManager)
class ProgramManagerAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "is_active"]
    list_filter = ["organisation", "is_active", "programs"]
    search_fields = ["user__email", "user__display_name"]
    autocomplete_fields = ["user"]
    filter_horizontal = ["programs"]
