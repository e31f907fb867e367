"""Admin: companies and teams are data; an application's answers and status are not edited
here (status changes go through the services, as admin actions)."""

from functools import partial

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.i18n import lazy_interpolate

from . import extensions, services
from .enums import ApplicationStatus
from .models import Application, Company, Consent, Document, Invitation, Membership, StatusChange


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]
    readonly_fields = ["created_at"]


class InvitationInline(admin.TabularInline):
    model = Invitation
    extra = 0
    can_delete = True
    fields = ["email", "invited_by", "created_at", "expires_at", "accepted_at", "accepted_by"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = [
        "name_en",
        "name_ko",
        "business_number_display",
        "field",
        "employees",
        "created_at",
    ]
    list_filter = ["field"]
    search_fields = ["name_en", "name_ko", "business_number", "representative"]
    readonly_fields = ["created_by", "created_at", "updated_at"]
    inlines = [MembershipInline, InvitationInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @admin.display(description=_("business registration number"), ordering="business_number")
    def business_number_display(self, company):
        return company.business_number_display


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class StatusChangeInline(ReadOnlyInline):
    model = StatusChange
    fields = ["created_at", "from_status", "to_status", "actor", "note"]
    readonly_fields = fields


class DocumentInline(ReadOnlyInline):
    model = Document
    fields = ["kind", "original_name", "size", "sha256", "uploaded_by", "uploaded_at"]
    readonly_fields = fields


class ConsentInline(ReadOnlyInline):
    model = Consent
    fields = ["kind", "text_version", "user", "given_at"]
    readonly_fields = fields


def _transition_action(name: str, label, call):
    def action(modeladmin, request, queryset):
        for application in queryset.select_related("cycle__program", "company"):
            try:
                call(application=application, actor=request.user)
            except (ValidationError, PermissionDenied) as error:
                text = " ".join(getattr(error, "messages", [str(error)]))
                modeladmin.message_user(request, f"{application}: {text}", messages.ERROR)
            else:
                modeladmin.message_user(
                    request,
                    _("%(application)s is now “%(status)s”.")
                    % {"application": application, "status": application.get_status_display()},
                    messages.SUCCESS,
                )

    action.__name__ = name
    action.short_description = label
    return action


def _decide(*, application, actor, decision) -> None:
    # Through the service the reviews app registers (``applications.extensions``), like
    # the manager's pages: quota, phase, approvals.
    extensions.decide(application=application, actor=actor, decision=decision)
    application.refresh_from_db(fields=["status"])


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["__str__", "company", "cycle", "status", "submitted_at", "updated_at"]
    list_filter = ["cycle__program", "status", "cycle"]
    search_fields = ["reference", "company__name_en", "company__name_ko", "title"]
    date_hierarchy = "created_at"
    inlines = [StatusChangeInline, DocumentInline, ConsentInline]
    actions = [
        _transition_action(
            "screen_in",
            _("Screen in (under review)"),
            lambda **kw: services.application_screen(eligible=True, **kw),
        ),
        *[
            _transition_action(
                f"decide_{status.value}",
                lazy_interpolate(_("Decide: %(status)s"), status=status.label),
                partial(_decide, decision=status),
            )
            for status in (
                ApplicationStatus.SELECTED,
                ApplicationStatus.WAITLISTED,
                ApplicationStatus.REJECTED,
            )
        ],
    ]

    def get_readonly_fields(self, request, obj=None):
        # Answers change only through the applicant's pages (which keep the version).
        return [field.name for field in Application._meta.fields]

    def has_add_permission(self, request):
        return False
