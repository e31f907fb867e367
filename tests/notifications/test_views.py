import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification
from notifications.services import notification_mark_read
from notifications.views import PAGE_SIZE

from .conftest import notify_test_message

pytestmark = pytest.mark.django_db

INBOX = "/inbox/"


def _age(notification, minutes: int) -> None:
    Notification.objects.filter(pk=notification.pk).update(
        created_at=timezone.now() - timedelta(minutes=minutes)
    )


def _subject_ids(response) -> list[int]:
    return [int(pk) for pk in re.findall(r'id="notification-(\d+)"', response.content.decode())]


def test_inbox_needs_a_login(client):
    response = client.get(INBOX)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_inbox_lists_unread_first_then_newest(client, applicant):
    old_unread = notify_test_message(applicant, event_key="old-unread")
    new_read = notify_test_message(applicant, event_key="new-read")
    new_unread = notify_test_message(applicant, event_key="new-unread")
    _age(old_unread, 30)
    _age(new_read, 1)
    _age(new_unread, 2)
    notification_mark_read(notification=new_read, actor=applicant)
    client.force_login(applicant)

    response = client.get(INBOX)

    assert _subject_ids(response) == [new_unread.pk, old_unread.pk, new_read.pk]
    assert response.context["unread_notifications_count"] == 2


def test_inbox_shows_only_the_users_own(client, applicant, other_applicant):
    notify_test_message(other_applicant)
    client.force_login(applicant)

    response = client.get(INBOX)

    assert _subject_ids(response) == []
    assert "Nothing here yet" in response.content.decode()


def test_inbox_is_paginated(client, applicant):
    for n in range(PAGE_SIZE + 3):
        notify_test_message(applicant, event_key=str(n))
    client.force_login(applicant)

    first = client.get(INBOX)
    second = client.get(INBOX, {"page": 2})

    assert len(_subject_ids(first)) == PAGE_SIZE
    assert len(_subject_ids(second)) == 3
    assert "Page 1 of 2" in first.content.decode()


def test_mark_read_without_javascript_returns_to_the_inbox(client, applicant):
    row = notify_test_message(applicant)
    client.force_login(applicant)

    response = client.post(f"/inbox/{row.pk}/read/", {"next": "/inbox/?page=1"})

    assert response.status_code == 302
    assert response.url == "/inbox/?page=1"
    row.refresh_from_db()
    assert row.read_at is not None


def test_mark_read_ignores_a_next_leading_elsewhere(client, applicant):
    row = notify_test_message(applicant)
    client.force_login(applicant)

    response = client.post(f"/inbox/{row.pk}/read/", {"next": "https://evil.example/"})

    assert response.url == INBOX


def test_mark_read_with_htmx_swaps_the_row_and_the_badge(client, applicant):
    row = notify_test_message(applicant, event_key="one")
    notify_test_message(applicant, event_key="two")
    client.force_login(applicant)

    response = client.post(f"/inbox/{row.pk}/read/", HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="notification-{row.pk}"' in html
    assert "Mark as read" not in html
    badge = re.search(r'<span id="unread-badge"[^>]*>(\d+)', html)
    assert 'hx-swap-oob="true"' in badge.group(0)
    assert badge.group(1) == "1"


def test_mark_all_read(client, applicant, other_applicant):
    for n in range(3):
        notify_test_message(applicant, event_key=str(n))
    theirs = notify_test_message(other_applicant)
    client.force_login(applicant)

    response = client.post("/inbox/read-all/", follow=True)

    assert response.redirect_chain == [(INBOX, 302)]
    assert not Notification.objects.filter(recipient=applicant, read_at__isnull=True).exists()
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    assert "All notifications are marked as read." in response.content.decode()


def test_open_marks_read_and_follows_the_link(client, applicant):
    row = notify_test_message(applicant)
    Notification.objects.filter(pk=row.pk).update(link="/challenges/")
    client.force_login(applicant)

    response = client.get(f"/inbox/{row.pk}/open/")

    assert response.status_code == 302
    assert response.url == "/challenges/"
    row.refresh_from_db()
    assert row.read_at is not None


def test_open_never_leaves_the_portal(client, applicant):
    row = notify_test_message(applicant)
    Notification.objects.filter(pk=row.pk).update(link="https://evil.example/phish")
    client.force_login(applicant)

    response = client.get(f"/inbox/{row.pk}/open/")

    assert response.url == INBOX


@pytest.mark.parametrize(
    ("method", "path"),
    [("post", "/inbox/{pk}/read/"), ("get", "/inbox/{pk}/open/")],
)
@pytest.mark.parametrize(
    ("who", "status"), [("recipient", 302), ("other", 404), ("anonymous", 302)]
)
def test_only_the_recipient_may_mark_or_open(
    client, applicant, other_applicant, method, path, who, status
):
    row = notify_test_message(applicant)
    if who == "recipient":
        client.force_login(applicant)
    elif who == "other":
        client.force_login(other_applicant)

    response = getattr(client, method)(path.format(pk=row.pk))

    assert response.status_code == status
    row.refresh_from_db()
    assert (row.read_at is not None) == (who == "recipient")
    if who == "anonymous":
        assert response.url.startswith(reverse("account_login"))


def test_mark_read_refuses_get(client, applicant):
    row = notify_test_message(applicant)
    client.force_login(applicant)

    assert client.get(f"/inbox/{row.pk}/read/").status_code == 405


# --- the header badge -------------------------------------------------------------------


def test_badge_shows_the_unread_count_on_every_page(client, applicant):
    for n in range(2):
        notify_test_message(applicant, event_key=str(n))
    client.force_login(applicant)

    html = client.get("/").content.decode()

    assert re.search(r'<span id="unread-badge" class="badge[^"]*">2<', html)


def test_badge_is_hidden_with_nothing_unread(client, applicant):
    client.force_login(applicant)

    html = client.get("/").content.decode()

    assert re.search(r'<span id="unread-badge" class="badge[^"]*d-none">0<', html)


def _count_queries_on(client, path: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return [
        q["sql"] for q in queries.captured_queries if '"notifications_notification"' in q["sql"]
    ]


def test_badge_costs_one_count_query_however_many_notifications(client, applicant):
    client.force_login(applicant)
    notify_test_message(applicant, event_key="first")
    few = _count_queries_on(client, "/")
    for n in range(10):
        notify_test_message(applicant, event_key=str(n))

    many = _count_queries_on(client, "/")

    assert len(few) == len(many) == 1
    assert many[0].startswith("SELECT COUNT(*)")


def test_badge_costs_no_query_for_anonymous_visitors(client):
    assert _count_queries_on(client, "/") == []
