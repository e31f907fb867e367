"""Program managers have no Django admin access: the "Program managers" group (admin
permissions) is removed by migration, and managers lose the staff flag."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from tests.factories import ProgramManagerFactory

pytestmark = pytest.mark.django_db


def test_no_program_managers_group_after_the_migrations():
    assert not Group.objects.filter(name="Program managers").exists()


@pytest.mark.django_db(transaction=True)
def test_the_migration_takes_managers_out_of_the_admin():
    executor = MigrationExecutor(connection)
    before = [("reviews", "0004_program_managers_group")]
    executor.migrate(before)
    old = executor.loader.project_state([*before, ("accounts", "0002_user_email_opt_out")]).apps
    OldUser = old.get_model("accounts", "User")
    OldManager = old.get_model("programs", "ProgramManager")
    manager = OldUser.objects.create(email="m@example.com", is_staff=True)
    OldManager.objects.create(user=manager, organisation="mss")
    operator = OldUser.objects.create(email="o@example.com", is_staff=True, is_superuser=True)
    managing_operator = OldUser.objects.create(
        email="mo@example.com", is_staff=True, is_superuser=True
    )
    OldManager.objects.create(user=managing_operator, organisation="ipark")
    old.get_model("auth", "Group").objects.get_or_create(name="Program managers")

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    flags = dict(OldUser.objects.values_list("email", "is_staff"))
    assert flags == {"m@example.com": False, "o@example.com": True, "mo@example.com": True}
    assert operator.is_superuser and not Group.objects.filter(name="Program managers").exists()


def test_a_manager_reaches_the_manage_pages_but_not_the_admin(client):
    manager = ProgramManagerFactory()
    client.force_login(manager.user)

    assert not manager.user.is_staff
    assert client.get(reverse("reviews:manage_cycles")).status_code == 200
    response = client.get(reverse("admin:programs_cycle_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert client.get(reverse("admin:index")).status_code == 302
