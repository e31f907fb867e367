"""The Django admin, for site operators (superusers) only.

Program managers run their calls in the portal's own pages (``/manage/``), scoped to the
programs they manage; the admin is not scoped by program, so it is closed to everyone but
superusers — whatever ``is_staff``, groups or model permissions a user holds. Every admin
URL (lists, change pages, actions, autocomplete, history) goes through
``AdminSite.admin_view``, which asks ``has_permission``.
"""

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def is_operator(user) -> bool:
    """A site operator: an active superuser."""
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


class OperatorAuthenticationForm(AdminAuthenticationForm):
    """The admin's log-in form admits superusers only."""

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "operators_only": _(
            "The administration is for site operators only. Program managers work in "
            "the portal's pages."
        ),
    }

    def confirm_login_allowed(self, user):
        # AuthenticationForm's check (an active account), then ours instead of the
        # admin's "staff account" one: the staff flag no longer opens the admin.
        AuthenticationForm.confirm_login_allowed(self, user)
        if not is_operator(user):
            raise ValidationError(self.error_messages["operators_only"], code="operators_only")


class OperatorAdminSite(admin.AdminSite):
    site_header = _("MOU Portal administration")
    site_title = _("MOU Portal administration")
    login_form = OperatorAuthenticationForm

    def has_permission(self, request) -> bool:
        return is_operator(request.user)
