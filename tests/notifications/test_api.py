import pytest
from rest_framework.test import APIClient

from notifications.models import Notification

from .conftest import notify_test_message

pytestmark = pytest.mark.django_db

URL = "/api/v1/notifications/"


@pytest.fixture
def api():
    return APIClient()


def test_list_shows_only_the_users_own_unread_first(api, applicant, other_applicant):
    read = notify_test_message(applicant, event_key="read")
    unread = notify_test_message(applicant, event_key="unread")
    notify_test_message(other_applicant)
    Notification.objects.filter(pk=read.pk).update(read_at=unread.created_at)
    api.force_authenticate(applicant)

    response = api.get(URL)

    assert response.status_code == 200
    assert response.data["count"] == 2
    first, second = response.data["results"]
    assert (first["id"], first["is_read"]) == (unread.pk, False)
    assert (second["id"], second["is_read"]) == (read.pk, True)
    assert first["kind"] == "test_message"
    assert first["kind_label"] == "Test message"
    assert first["subject"] == "MOU 포털 테스트 메시지"  # as the applicant (Korean) reads it
    assert first["link"] == "/inbox/"
    assert set(first) == {
        "id", "kind", "kind_label", "subject", "body", "link", "created_at", "read_at", "is_read"
    }  # fmt: skip


def test_list_filters_unread(api, applicant):
    read = notify_test_message(applicant, event_key="read")
    unread = notify_test_message(applicant, event_key="unread")
    Notification.objects.filter(pk=read.pk).update(read_at=read.created_at)
    api.force_authenticate(applicant)

    response = api.get(URL, {"unread": "true"})

    assert [item["id"] for item in response.data["results"]] == [unread.pk]


def test_anonymous_gets_nothing(api, applicant):
    notify_test_message(applicant)

    assert api.get(URL).status_code == 401


@pytest.mark.parametrize(("who", "status"), [("recipient", 200), ("other", 404)])
def test_retrieve_and_mark_read_are_the_recipients_only(
    api, applicant, other_applicant, who, status
):
    row = notify_test_message(applicant)
    api.force_authenticate(applicant if who == "recipient" else other_applicant)

    retrieved = api.get(f"{URL}{row.pk}/")
    marked = api.post(f"{URL}{row.pk}/read/")

    assert (retrieved.status_code, marked.status_code) == (status, status)
    row.refresh_from_db()
    assert (row.read_at is not None) == (who == "recipient")
    if who == "recipient":
        assert marked.data["is_read"] is True


def test_read_all_marks_only_the_users_own(api, applicant, other_applicant):
    for n in range(3):
        notify_test_message(applicant, event_key=str(n))
    theirs = notify_test_message(other_applicant)
    api.force_authenticate(applicant)

    response = api.post(f"{URL}read-all/")

    assert response.data == {"marked": 3}
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_permission_names_are_the_pages_ones(applicant, other_applicant):
    row = notify_test_message(applicant)

    assert applicant.has_perm("notifications.view_notification", row)
    assert applicant.has_perm("notifications.mark_notification_read", row)
    assert not other_applicant.has_perm("notifications.view_notification", row)
    assert not other_applicant.has_perm("notifications.mark_notification_read", row)


def test_schema_documents_the_notifications_endpoints(api):
    response = api.get("/api/schema/")

    schema = response.content.decode()
    assert "/api/v1/notifications/{id}/read/" in schema
    assert "/api/v1/notifications/read-all/" in schema


@pytest.mark.parametrize("value", ["null", "", "yes"])
def test_unread_filter_takes_only_true_or_false(api, applicant, value):
    api.force_authenticate(applicant)

    response = api.get(URL, {"unread": value})

    assert response.status_code == 400
    assert "unread" in response.json()["fields"]
