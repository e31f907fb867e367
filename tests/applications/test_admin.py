import pytest
from django.urls import reverse

from applications.enums import ApplicationStatus
from applications.models import StatusChange
from tests.factories import UserFactory, draft_application, submitted_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser():
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.mark.parametrize("model", ["company", "application"])
def test_admin_changelists_and_change_pages_render(admin_client, model):
    application = submitted_application()
    obj = application if model == "application" else application.company

    assert admin_client.get(reverse(f"admin:applications_{model}_changelist")).status_code == 200
    response = admin_client.get(reverse(f"admin:applications_{model}_change", args=[obj.pk]))
    assert response.status_code == 200


def test_admin_shows_history_and_documents_but_never_a_status_field(admin_client):
    application = submitted_application()

    content = admin_client.get(
        reverse("admin:applications_application_change", args=[application.pk])
    ).content.decode()

    assert 'name="status"' not in content
    assert application.documents.get().original_name in content
    assert "Submitted" in content


def test_admin_action_screens_in_through_the_service(admin_client, superuser):
    submitted = submitted_application()
    draft = draft_application()

    response = admin_client.post(
        reverse("admin:applications_application_changelist"),
        {"action": "screen_in", "_selected_action": [submitted.pk, draft.pk]},
        follow=True,
    )

    submitted.refresh_from_db()
    draft.refresh_from_db()
    assert submitted.status == ApplicationStatus.UNDER_REVIEW
    assert draft.status == ApplicationStatus.DRAFT
    row = StatusChange.objects.get(application=submitted, to_status=ApplicationStatus.UNDER_REVIEW)
    assert row.actor == superuser
    assert "cannot go from “Draft” to “Under review”" in response.content.decode()
