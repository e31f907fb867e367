"""The "Program managers" group made by migration: admin access to what managers look
after, nothing else."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from tests.factories import ProgramManagerFactory

pytestmark = pytest.mark.django_db


def _codenames(group):
    return {
        f"{p.content_type.app_label}.{p.codename}"
        for p in group.permissions.select_related("content_type")
    }


def test_migration_creates_the_program_managers_group():
    codenames = _codenames(Group.objects.get(name="Program managers"))

    assert {
        "programs.change_cycle",
        "programs.add_criterion",
        "programs.delete_criterion",
        "programs.change_technology",
        "programs.change_challenge",
        "applications.view_application",
        "reviews.change_reviewer",
        "reviews.view_decisionapproval",
    } <= codenames
    assert len(codenames) == 30
    # Nothing that would let a manager bypass the portal's services or manage accounts.
    assert not {c for c in codenames if c.startswith("accounts.") or c.startswith("auth.")}
    assert "applications.change_application" not in codenames
    assert "reviews.change_review" not in codenames
    assert "programs.delete_cycle" not in codenames


def test_a_manager_in_the_group_reaches_the_admin_of_cycles_but_not_of_users(client):
    manager = ProgramManagerFactory()
    manager.user.groups.add(Group.objects.get(name="Program managers"))
    client.force_login(manager.user)

    assert client.get(reverse("admin:programs_cycle_changelist")).status_code == 200
    assert client.get(reverse("admin:reviews_reviewer_changelist")).status_code == 200
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 403
