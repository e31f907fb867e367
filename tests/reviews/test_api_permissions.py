"""The permission truth tables of the pages, repeated through the API for every reviews
endpoint: each operation asked by a manager of the cycle's program, a manager of another
program, the assigned reviewer, a reviewer not assigned, the applicant, anonymously, with
the manager's read-only token (writing), and with the manager's token limited to another
program. Each answer is the exact status (and, for refusals, the one error contract)."""

import pytest

from accounts.models import ApiTokenScope
from programs.enums import Track
from tests.factories import ProgramManagerFactory, ReviewerFactory, UserFactory, program_for
from tests.support.api import token_client
from tests.support.reviewing import (
    assigned,
    review_cycle,
    under_review,
)

pytestmark = pytest.mark.django_db

PERSONAS = [
    "manager",
    "other_manager",
    "reviewer",
    "other_reviewer",
    "applicant",
    "anonymous",
    "read_token",
    "other_program_token",
]

A = "/api/v1/reviews/assignments/{assignment}/"
C = "/api/v1/manage/cycles/{cycle}/"
REVIEW = {"comment_to_applicant": "Clear plan."}
DECISION = {"applications": ["{application}"], "decision": "rejected"}

# (method, path, body) → status per persona, in the order of PERSONAS.
# Reviewer endpoints: 403 for anyone signed in who is not a reviewer; 404 for a reviewer
# the assignment is not theirs. Managers' endpoints: 404 for anyone who does not manage
# the cycle's program (or whose token is limited to another). Writes with a read-only
# token: 403 token_read_only before anything else.
TABLE = [
    (("get", "/api/v1/reviews/assignments/", None), [403, 403, 200, 200, 403, 401, 403, 403]),
    (("get", A, None), [403, 403, 200, 404, 403, 401, 403, 403]),
    (("get", A + "review/", None), [403, 403, 200, 404, 403, 401, 403, 403]),
    (("patch", A + "review/", REVIEW), [403, 403, 200, 404, 403, 401, 403, 403]),
    (("put", A + "review/", REVIEW), [403, 403, 200, 404, 403, 401, 403, 403]),
    (("post", A + "submit/", None), [403, 403, 400, 404, 403, 401, 403, 403]),
    (
        ("post", A + "decline/", {"reason": "I advised them."}),
        [403, 403, 204, 404, 403, 401, 403, 403],
    ),
    (("get", A + "other-reviews/", None), [403, 403, 403, 404, 403, 401, 403, 403]),
    (("get", "/api/v1/reviews/cycles/", None), [403, 403, 200, 200, 403, 401, 403, 403]),
    (
        ("post", "/api/v1/reviews/cycles/{cycle}/pledge/", None),
        [403, 403, 200, 404, 403, 401, 403, 403],
    ),
    (("get", C + "ranking/", None), [200, 404, 404, 404, 404, 401, 200, 404]),
    (("get", C + "progress/", None), [200, 404, 404, 404, 404, 401, 200, 404]),
    (("get", C + "decisions/", None), [200, 404, 404, 404, 404, 401, 200, 404]),
    (("post", C + "decisions/", DECISION), [200, 404, 404, 404, 404, 401, 403, 404]),
    (("get", C + "approval/", None), [200, 404, 404, 404, 404, 401, 200, 404]),
    (("post", C + "approval/", None), [409, 404, 404, 404, 404, 401, 403, 404]),
    (("delete", C + "approval/", None), [204, 404, 404, 404, 404, 401, 403, 404]),
    (("get", C + "announce/", None), [200, 404, 404, 404, 404, 401, 200, 404]),
    (("post", C + "announce/", None), [409, 404, 404, 404, 404, 401, 403, 404]),
    (("get", C + "activity/", None), [200, 404, 404, 404, 404, 401, 200, 404]),
]

CASES = [
    pytest.param(method, path, body, persona, statuses[i], id=f"{method} {path} {persona}")
    for (method, path, body), statuses in TABLE
    for i, persona in enumerate(PERSONAS)
]


def _client(persona, *, cycle, other_cycle, applicant, reviewer):
    if persona == "anonymous":
        from rest_framework.test import APIClient

        return APIClient()
    program, other = cycle.program, other_cycle.program
    users = {
        "manager": lambda: ProgramManagerFactory(programs=[program]).user,
        "read_token": lambda: ProgramManagerFactory(programs=[program]).user,
        "other_program_token": lambda: ProgramManagerFactory(programs=[program, other]).user,
        "other_manager": lambda: ProgramManagerFactory(programs=[other]).user,
        "reviewer": lambda: reviewer.user,
        "other_reviewer": lambda: ReviewerFactory().user,
        "applicant": lambda: applicant,
    }
    user = users[persona]()
    if persona == "read_token":
        return token_client(user, scope=ApiTokenScope.READ)
    if persona == "other_program_token":
        return token_client(user, programs=[other])
    return token_client(user)


def _fill(value, ids):
    if isinstance(value, str):
        filled = value.format(**ids)
        return int(filled) if value.startswith("{") and filled.isdigit() else filled
    if isinstance(value, list):
        return [_fill(item, ids) for item in value]
    if isinstance(value, dict):
        return {key: _fill(item, ids) for key, item in value.items()}
    return value


@pytest.mark.parametrize(("method", "path", "body", "persona", "expected"), CASES)
def test_reviews_api_permission_truth_table(method, path, body, persona, expected):
    cycle = review_cycle(program=program_for(Track.STARTUP_SUPPORT))
    other_cycle = review_cycle(program=program_for(Track.OPEN_INNOVATION))
    applicant = UserFactory()
    application = under_review(cycle, owner=applicant)
    reviewer = ReviewerFactory()
    assignment = assigned(application, reviewer)
    client = _client(
        persona, cycle=cycle, other_cycle=other_cycle, applicant=applicant, reviewer=reviewer
    )
    ids = {"cycle": cycle.pk, "assignment": assignment.pk, "application": application.pk}

    response = getattr(client, method)(_fill(path, ids), _fill(body, ids), format="json")

    assert response.status_code == expected, response.content
    if expected >= 400:
        body = response.json()
        assert set(body) == {"code", "detail", "fields"}
        if persona == "read_token" and method != "get":
            assert body["code"] == "token_read_only"
