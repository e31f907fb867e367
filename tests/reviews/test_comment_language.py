"""Reviewers write to the applicant knowing the company's language, and record the
language of their comment (``Review.comment_language``)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from applications.selectors import company_language
from reviews.models import Review
from reviews.services import review_save
from tests.factories import UserFactory
from tests.support.reviewing import (
    assigned,
    private_media,  # noqa: F401 (a fixture)
    review_cycle,
    under_review,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_media")]


@pytest.fixture
def korean_company_application():
    return under_review(review_cycle(), owner=UserFactory(preferred_language="ko"))


def test_company_language_is_its_owners_preferred_language(korean_company_application):
    assert company_language(korean_company_application.company) == "ko"


def test_review_form_defaults_to_the_reviewers_language_and_names_the_companys(
    client, korean_company_application, ipark_reviewer
):
    assignment = assigned(korean_company_application, ipark_reviewer)
    client.force_login(ipark_reviewer.user)
    client.cookies["django_language"] = "en"

    page = client.get(reverse("reviews:review", args=[assignment.pk])).content.decode()

    assert 'name="comment_language"' in page
    assert '<option value="ja" selected>Japanese</option>' in page
    assert "This company reads Korean." in page


def test_review_form_in_japanese_tells_the_company_language_in_japanese(
    client, korean_company_application, ipark_reviewer
):
    assignment = assigned(korean_company_application, ipark_reviewer)
    client.force_login(ipark_reviewer.user)
    client.cookies["django_language"] = "ja"

    page = client.get(reverse("reviews:review", args=[assignment.pk])).content.decode()

    assert "この企業が読む言語は韓国語です。" in page


def test_reviewer_saves_the_language_chosen(client, korean_company_application, ipark_reviewer):
    assignment = assigned(korean_company_application, ipark_reviewer)
    client.force_login(ipark_reviewer.user)
    url = reverse("reviews:review", args=[assignment.pk])

    response = client.post(
        url,
        {"comment_to_applicant": "좋은 계획입니다.", "comment_language": "ko", "action": "save"},
    )
    page = client.get(url).content.decode()

    assert response.status_code == 302
    assert Review.objects.get().comment_language == "ko"
    assert '<option value="ko" selected>' in page


def test_service_defaults_to_the_reviewers_language_and_refuses_unknown_ones(
    korean_company_application, ipark_reviewer
):
    assignment = assigned(korean_company_application, ipark_reviewer)
    user = ipark_reviewer.user

    review_save(assignment=assignment, actor=user, scores={}, comment_to_applicant="良い。")
    assert Review.objects.get().comment_language == "ja"

    with pytest.raises(ValidationError) as error:
        review_save(assignment=assignment, actor=user, scores={}, comment_language="fr")
    assert "comment_language" in error.value.error_dict
    assert Review.objects.get().comment_language == "ja"


def test_api_reads_and_writes_the_comment_language(
    client, korean_company_application, mss_reviewer
):
    assignment = assigned(korean_company_application, mss_reviewer)
    client.force_login(mss_reviewer.user)
    url = f"/api/v1/reviews/assignments/{assignment.pk}/review/"

    put = client.put(
        url, {"comment_to_applicant": "좋습니다.", "comment_language": "ko"}, "application/json"
    )
    patch = client.patch(url, {"internal_comment": "x"}, "application/json")
    refused = client.patch(url, {"comment_language": "fr"}, "application/json")

    assert put.status_code == 200 and put.json()["comment_language"] == "ko"
    assert patch.json()["comment_language"] == "ko"
    assert refused.status_code == 400 and "comment_language" in refused.json()["fields"]
    assert Review.objects.get().comment_language == "ko"
