"""The reviewer's API: assignments, the pledge, the review (read, save, submit, locked),
declining, and the other reviewers' reviews — same services and permissions as the pages."""

import pytest

from programs.enums import CyclePhase
from reviews.enums import AssignmentStatus, Recommendation, ReviewStatus
from reviews.models import ConflictDeclaration, PledgeAcceptance, Review
from reviews.pledge import PLEDGE_VERSION
from tests.factories import UserFactory
from tests.support.reviewing import (
    assigned,
    set_phase,
    under_review,
)

pytestmark = pytest.mark.django_db

API = "/api/v1/reviews"


@pytest.fixture
def application(cycle):
    return under_review(cycle, name_en="Visible Bio")


@pytest.fixture
def criteria(cycle):
    return list(cycle.criteria.order_by("order"))


def _full(criteria, **overrides):
    innovation, team = criteria
    return {
        "scores": [
            {"criterion": innovation.pk, "score": 9},
            {"criterion": team.pk, "score": 7},
        ],
        "comment_to_applicant": "Convincing preclinical data.",
        "internal_comment": "Ask about GMP capacity.",
        "recommendation": Recommendation.STRONGLY_SUPPORT,
        **overrides,
    }


def test_assignments_list_before_and_after_the_pledge(client, application, mss_reviewer):
    assignment = assigned(application, mss_reviewer, pledged=False)
    client.force_login(mss_reviewer.user)

    before = client.get(f"{API}/assignments/").json()["results"]
    accepted = client.post(f"{API}/cycles/{application.cycle_id}/pledge/")
    after = client.get(f"{API}/assignments/{assignment.pk}/").json()

    assert [(row["id"], row["pledge_accepted"], row["application"]) for row in before] == [
        (assignment.pk, False, None)
    ]
    assert before[0]["reference"] == application.reference and before[0]["rubric"] is None
    assert accepted.status_code == 200
    assert accepted.json()["accepted_version"] == PLEDGE_VERSION
    assert PledgeAcceptance.objects.get().reviewer == mss_reviewer
    assert after["pledge_accepted"] is True
    assert after["application"]["company"] == "Visible Bio"
    assert [c["name"] for c in after["rubric"]] == ["Innovation", "Team"]
    assert after["review_status"] == "not_started"


def test_cycles_list_gives_the_pledge_text(client, application, mss_reviewer):
    assigned(application, mss_reviewer, pledged=False)
    client.force_login(mss_reviewer.user)

    (entry,) = client.get(f"{API}/cycles/").json()["results"]

    assert entry["id"] == application.cycle_id and entry["accepted_at"] is None
    assert entry["pledge_version"] == PLEDGE_VERSION
    assert [d["title"] for d in entry["text"]["duties"]][:3] == [
        "Confidentiality",
        "No contact with applicants",
        "Duty to declare interests",
    ]


def test_review_without_the_pledge_is_403_pledge_required(client, application, mss_reviewer):
    assignment = assigned(application, mss_reviewer, pledged=False)
    client.force_login(mss_reviewer.user)

    response = client.get(f"{API}/assignments/{assignment.pk}/review/")

    assert response.status_code == 403
    assert response.json()["detail"] == "Accept the evaluator pledge of this cycle first."


def test_review_put_patch_submit_and_lock(client, application, mss_reviewer, criteria):
    assignment = assigned(application, mss_reviewer)
    client.force_login(mss_reviewer.user)
    url = f"{API}/assignments/{assignment.pk}/review/"

    empty = client.get(url).json()
    put = client.put(url, _full(criteria), content_type="application/json")
    patch = client.patch(
        url,
        {"scores": [{"criterion": criteria[1].pk, "score": None}], "internal_comment": ""},
        content_type="application/json",
    )
    incomplete = client.post(f"{API}/assignments/{assignment.pk}/submit/")
    client.patch(
        url,
        {"scores": [{"criterion": criteria[1].pk, "score": 6}]},
        content_type="application/json",
    )
    submitted = client.post(f"{API}/assignments/{assignment.pk}/submit/")
    locked = client.patch(url, {"comment_to_applicant": "x"}, content_type="application/json")

    assert empty["status"] == "not_started" and empty["scores"] == []
    assert put.status_code == 200 and put.json()["status"] == ReviewStatus.DRAFT
    assert patch.json()["scores"] == [{"criterion": criteria[0].pk, "score": 9}]
    assert patch.json()["comment_to_applicant"] == "Convincing preclinical data."
    assert patch.json()["internal_comment"] == ""
    assert incomplete.status_code == 400
    assert incomplete.json()["fields"] == {
        f"score_{criteria[1].pk}": ["Score “Team” before submitting."]
    }
    assert submitted.status_code == 200 and submitted.json()["status"] == ReviewStatus.SUBMITTED
    assert locked.status_code == 409
    assert Review.objects.get().comment_to_applicant == "Convincing preclinical data."


def test_review_put_with_a_score_out_of_range_is_400_and_saves_nothing(
    client, application, mss_reviewer, criteria
):
    assignment = assigned(application, mss_reviewer)
    client.force_login(mss_reviewer.user)

    response = client.put(
        f"{API}/assignments/{assignment.pk}/review/",
        _full(criteria, scores=[{"criterion": criteria[0].pk, "score": 11}]),
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["fields"] == {
        f"score_{criteria[0].pk}": ["The score for “Innovation” must be from 0 to 10."]
    }
    assert not Review.objects.exists()


def test_other_reviews_only_after_submitting(
    client, application, mss_reviewer, ipark_reviewer, criteria
):
    mine = assigned(application, mss_reviewer)
    theirs = assigned(application, ipark_reviewer)
    client.force_login(ipark_reviewer.user)
    client.put(
        f"{API}/assignments/{theirs.pk}/review/", _full(criteria), content_type="application/json"
    )
    client.post(f"{API}/assignments/{theirs.pk}/submit/")
    client.force_login(mss_reviewer.user)
    url = f"{API}/assignments/{mine.pk}/other-reviews/"

    before = client.get(url)
    client.put(
        f"{API}/assignments/{mine.pk}/review/", _full(criteria), content_type="application/json"
    )
    client.post(f"{API}/assignments/{mine.pk}/submit/")
    after = client.get(url)

    assert before.status_code == 403
    (other,) = after.json()
    assert other["organisation"] == "ipark"
    assert other["comment_to_applicant"] == "Convincing preclinical data."
    assert other["scores"] == [
        {"criterion": criteria[0].pk, "score": 9},
        {"criterion": criteria[1].pk, "score": 7},
    ]


def test_decline_over_the_api(client, application, mss_reviewer):
    assignment = assigned(application, mss_reviewer)
    client.force_login(mss_reviewer.user)

    url = f"{API}/assignments/{assignment.pk}/decline/"
    missing = client.post(url, {}, content_type="application/json")
    declined = client.post(url, {"reason": "Investor"}, content_type="application/json")
    listed = client.get(f"{API}/assignments/").json()["results"]

    assert missing.status_code == 400
    assert missing.json() == {
        "code": "invalid",
        "detail": "Check the fields marked.",
        "fields": {"reason": ["This field is required."]},
    }
    assert declined.status_code == 204
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.DECLINED
    assert ConflictDeclaration.objects.get().application == application
    assert listed == []


@pytest.mark.parametrize("path", ["", "review/", "other-reviews/"])
def test_conflicted_and_other_reviewers_get_404(
    client, application, mss_reviewer, ipark_reviewer, path
):
    assignment = assigned(application, mss_reviewer)
    ConflictDeclaration.objects.create(
        reviewer=mss_reviewer, company=application.company, reason="x"
    )
    assigned(application, ipark_reviewer)

    client.force_login(mss_reviewer.user)
    conflicted = client.get(f"{API}/assignments/{assignment.pk}/{path}")
    client.force_login(ipark_reviewer.user)
    other = client.get(f"{API}/assignments/{assignment.pk}/{path}")

    assert conflicted.status_code == 404
    assert other.status_code == 404


def test_non_reviewers_are_refused(client, application):
    client.force_login(UserFactory())

    assert client.get(f"{API}/assignments/").status_code == 403
    assert client.get(f"{API}/cycles/").status_code == 403


def test_writes_after_the_decision_are_refused(client, application, mss_reviewer, criteria):
    assignment = assigned(application, mss_reviewer)
    set_phase(application.cycle, CyclePhase.DECIDED)
    client.force_login(mss_reviewer.user)

    response = client.put(
        f"{API}/assignments/{assignment.pk}/review/",
        _full(criteria),
        content_type="application/json",
    )

    assert response.status_code == 409
    assert response.json()["code"] == "cycle_not_scoring"
    assert "can no longer change" in response.json()["detail"]
    assert not Review.objects.exists()


def test_review_patch_with_a_score_missing_its_value_is_400_not_500(
    client, application, mss_reviewer, criteria
):
    """Found by the fuzz run: a PATCH validates partially, and a nested score without
    ``score`` reached the service as a half-formed item (a KeyError, a 500)."""
    assignment = assigned(application, mss_reviewer)
    client.force_login(mss_reviewer.user)

    response = client.patch(
        f"{API}/assignments/{assignment.pk}/review/",
        {"scores": [{"criterion": criteria[0].pk}]},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert response.json()["fields"] == {"scores.0.score": ["This field is required."]}
    assert not Review.objects.filter(assignment=assignment, scores__isnull=False).exists()


def test_review_api_takes_json_only(client, application, mss_reviewer, criteria):
    """The API speaks JSON (the one upload, a document, declares multipart): a form-encoded
    body is 415 on the contract, not a list or a ``null`` read from text."""
    assignment = assigned(application, mss_reviewer)
    client.force_login(mss_reviewer.user)

    response = client.post(f"{API}/assignments/{assignment.pk}/decline/", {"reason": "Busy"})

    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.ACTIVE
