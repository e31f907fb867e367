"""Permission truth table: every applicant page and document, for every persona."""

import pytest
from django.urls import reverse

from applications.enums import MembershipRole
from tests.factories import (
    CompanyFactory,
    MembershipFactory,
    ProgramManagerFactory,
    ReviewerFactory,
    UserFactory,
    complete_application,
    cycle_for,
    draft_application,
    submitted_application,
)

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "owner", "member", "other_company_member", "reviewer", "manager"]


@pytest.fixture
def world():
    owner = UserFactory(email="owner@example.com")
    company = CompanyFactory(owner=owner)
    member = MembershipFactory(company=company, role=MembershipRole.MEMBER).user
    other = CompanyFactory(owner=UserFactory(email="other@example.com"))
    draft = draft_application(user=owner, company=company)
    complete_application(draft, user=owner)
    submitted = submitted_application(user=owner, company=company, cycle=cycle_for())
    return {
        "users": {
            "anonymous": None,
            "owner": owner,
            "member": member,
            "other_company_member": other.memberships.get().user,
            "reviewer": ReviewerFactory().user,
            "manager": ProgramManagerFactory().user,
        },
        "company": company,
        "draft": draft,
        "draft_document": draft.documents.get(),
        "submitted": submitted,
        "submitted_document": submitted.documents.get(),
    }


def _url(world, page):
    draft, submitted = world["draft"], world["submitted"]
    company = world["company"]
    return {
        "company": ("get", reverse("applications:company", kwargs={"pk": company.pk})),
        "company_edit": ("get", reverse("applications:company_edit", kwargs={"pk": company.pk})),
        "invite": ("post", reverse("applications:invite", kwargs={"pk": company.pk})),
        "draft_detail": ("get", draft.get_absolute_url()),
        "edit_company": (
            "get",
            reverse("applications:edit", kwargs={"pk": draft.pk, "step": "company"}),
        ),
        "edit_project": (
            "get",
            reverse("applications:edit", kwargs={"pk": draft.pk, "step": "project"}),
        ),
        "edit_track": (
            "get",
            reverse("applications:edit", kwargs={"pk": draft.pk, "step": "track"}),
        ),
        "edit_documents": (
            "get",
            reverse("applications:edit", kwargs={"pk": draft.pk, "step": "documents"}),
        ),
        "edit_review": (
            "get",
            reverse("applications:edit", kwargs={"pk": draft.pk, "step": "review"}),
        ),
        "autosave": (
            "post",
            reverse("applications:autosave", kwargs={"pk": draft.pk, "step": "project"}),
        ),
        "draft_document": ("get", world["draft_document"].get_absolute_url()),
        "upload": ("post", reverse("applications:document_upload", kwargs={"pk": draft.pk})),
        "document_delete": (
            "post",
            reverse(
                "applications:document_delete",
                kwargs={"pk": draft.pk, "document": world["draft_document"].pk},
            ),
        ),
        "delete_draft": ("get", reverse("applications:delete", kwargs={"pk": draft.pk})),
        "submitted_detail": ("get", submitted.get_absolute_url()),
        "submitted_document": ("get", world["submitted_document"].get_absolute_url()),
        "withdraw": ("get", reverse("applications:withdraw", kwargs={"pk": submitted.pk})),
        "edit_submitted": (
            "get",
            reverse("applications:edit", kwargs={"pk": submitted.pk, "step": "project"}),
        ),
        "api_detail": ("get", f"/api/v1/applications/{draft.pk}/"),
        "api_submitted_detail": ("get", f"/api/v1/applications/{submitted.pk}/"),
    }[page]


# Expected status per page for: anonymous, owner, member, other company, reviewer, manager.
# 302 for the anonymous visitor is the redirect to the login page (nothing is revealed: the
# same answer for a page that does not exist); 404 hides the existence of what one may not see.
L = "login"
TABLE = {
    "company": [L, 200, 200, 404, 404, 404],
    "company_edit": [L, 200, 200, 404, 404, 404],
    "invite": [L, 302, 403, 404, 404, 404],
    "draft_detail": [L, 200, 200, 404, 404, 404],
    "edit_company": [L, 200, 200, 404, 404, 404],
    "edit_project": [L, 200, 200, 404, 404, 404],
    "edit_track": [L, 200, 200, 404, 404, 404],
    "edit_documents": [L, 200, 200, 404, 404, 404],
    "edit_review": [L, 200, 200, 404, 404, 404],
    "autosave": [401, 400, 400, 404, 404, 404],
    "draft_document": [L, 200, 200, 404, 404, 404],
    "upload": [L, 400, 400, 404, 404, 404],
    "document_delete": [L, 302, 302, 404, 404, 404],
    "delete_draft": [L, 200, 200, 404, 404, 404],
    "submitted_detail": [L, 200, 200, 404, 404, 200],
    "submitted_document": [L, 200, 200, 404, 404, 200],
    "withdraw": [L, 200, 200, 404, 404, 403],
    "edit_submitted": [L, 302, 302, 404, 404, 403],
    "api_detail": [401, 200, 200, 404, 404, 404],
    "api_submitted_detail": [401, 200, 200, 404, 404, 200],
}
CASES = [
    (page, persona, expected)
    for page, row in TABLE.items()
    for persona, expected in zip(PERSONAS, row, strict=True)
]


@pytest.mark.parametrize(("page", "persona", "expected"), CASES)
def test_permission_truth_table(client, world, page, persona, expected):
    user = world["users"][persona]
    if user is not None:
        client.force_login(user)
    method, url = _url(world, page)

    response = getattr(client, method)(url)
    response.close()  # a served file is streamed: close it

    if expected == L:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == expected, response.content[:500]
    if expected in (403, 404, 401, L):
        body = response.content.decode()
        assert world["draft"].title not in body
        assert world["company"].name_en not in body


def test_forbidden_document_bytes_never_served(client, world):
    client.force_login(world["users"]["other_company_member"])

    response = client.get(world["draft_document"].get_absolute_url())
    response.close()

    assert response.status_code == 404
    assert not response.has_header("Content-Disposition")


def test_unknown_application_is_404_like_a_forbidden_one(client, world):
    client.force_login(world["users"]["owner"])

    assert client.get(reverse("applications:detail", kwargs={"pk": 999_999})).status_code == 404
    assert (
        client.get(
            reverse("applications:edit", kwargs={"pk": 999_999, "step": "project"})
        ).status_code
        == 404
    )


def test_removed_member_loses_access_at_once(client, world):
    member = world["users"]["member"]
    client.force_login(member)
    assert client.get(world["draft"].get_absolute_url()).status_code == 200

    world["company"].memberships.filter(user=member).delete()

    assert client.get(world["draft"].get_absolute_url()).status_code == 404
    assert client.get(world["draft_document"].get_absolute_url()).status_code == 404
