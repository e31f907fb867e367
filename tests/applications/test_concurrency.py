"""Races that only a real database shows: two submissions in one cycle at the same moment,
two members starting the company's application at once."""

import threading

import pytest
from django.db import connection

from applications import services
from applications.enums import ConsentKind
from applications.models import Application
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
