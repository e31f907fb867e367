"""Races that only a real database shows: two submissions in one cycle at the same moment,
two members starting the company's application at once."""

import threading

import pytest
from django.db import connection
from django.urls import reverse

from applications import services
from applications.enums import ConsentKind
from applications.models import Application
from notifications.models import Notification
from tests.factories import (
    CompanyFactory,
    UserFactory,
    complete_application,
    cycle_for,
    draft_application,
)
from tests.support.services import require_postgresql

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _celery_join_flag():
    """Celery's eager mode sets a process-wide "joining would block" flag around each task
    and restores what it saw; eager tasks (the receipts) in several threads at once can
    leave it set, which breaks later tests that wait for a real worker. Put it back."""
    from celery._state import _set_task_join_will_block, task_join_will_block

    before = task_join_will_block()
    yield
    _set_task_join_will_block(before)


def _run_together(*calls):
    """Run the calls in threads released at the same instant; return results or errors."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as error:
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


@pytest.mark.parametrize("attempt", range(3))
def test_simultaneous_submissions_get_distinct_consecutive_references(attempt):
    require_postgresql()
    cycle = cycle_for(code="2027R1")
    drafts = [complete_application(draft_application(cycle=cycle)) for _ in range(4)]

    results = _run_together(
        *[
            lambda draft=draft: services.application_submit(
                application=draft,
                actor=draft.company.memberships.get().user,
                consents=ConsentKind.values,
            )
            for draft in drafts
        ]
    )

    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(Application.objects.values_list("reference", flat=True)) == [
        f"SS-2027R1-000{n}" for n in range(1, 5)
    ]


def test_two_members_starting_at_once_share_one_draft():
    require_postgresql()
    owner, member = UserFactory(), UserFactory()
    company = CompanyFactory(owner=owner)
    company.memberships.create(user=member, role="member")
    cycle = cycle_for()

    results = _run_together(
        lambda: services.application_start(company=company, cycle=cycle, actor=owner),
        lambda: services.application_start(company=company, cycle=cycle, actor=member),
    )

    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(created for _, created in results) == [False, True]
    assert results[0][0].pk == results[1][0].pk
    assert Application.objects.count() == 1


def test_twenty_simultaneous_submits_of_one_draft_answer_clearly_never_500(applicant):
    """A double click times ten: one submission, one reference, one set of receipts, and
    every other request is told the application is already submitted (no 500)."""
    require_postgresql()
    from django.test import Client

    cycle = cycle_for(code="2027R1")
    application = complete_application(draft_application(user=applicant, cycle=cycle))
    url = reverse("applications:edit", kwargs={"pk": application.pk, "step": "review"})
    clients = []
    for _ in range(20):
        client = Client(raise_request_exception=False)
        client.force_login(applicant)
        clients.append(client)

    responses = _run_together(
        *[
            lambda client=client: client.post(
                url, {"consent_personal_data": "on", "consent_overseas_transfer": "on"}
            )
            for client in clients
        ]
    )

    assert not [r for r in responses if isinstance(r, Exception)], responses
    assert sorted({r.status_code for r in responses}) == [302]
    assert {r["Location"] for r in responses} == {application.get_absolute_url()}
    application.refresh_from_db()
    assert application.status == "submitted"
    assert application.reference == "SS-2027R1-0001"
    assert application.status_changes.filter(to_status="submitted").count() == 1
    assert Notification.objects.filter(kind="application_submitted").count() == 1
    texts = [[str(m) for m in get_messages_of(client)] for client in clients]
    assert sum("Your application has been submitted" in " ".join(t) for t in texts) == 1
    # The others either lost the race inside the lock or arrived after it was over.
    late = ("already been submitted", "has been submitted and is now read-only")
    assert sum(any(text in " ".join(t) for text in late) for t in texts) == 19


def get_messages_of(client):
    """The flash messages waiting in a test client's session (shown on its next page)."""
    page = client.get(reverse("applications:dashboard"))
    return [m.message for m in page.context["messages"]] if page.context else []
