"""The Django admin is for site operators (superusers) only (issue 10).

Reproduced before the fix, as a program manager of one program with the admin access
managers used to get (``is_staff`` and the "Program managers" group): the list action
"Move to phase: closed" closed another program's open call, and the admin listed other
programs' applications, reviews with internal comments, conflict declarations and
companies' drafts. These tests walk every admin URL as each kind of user, then the same
records through the portal's pages and API, where the same users get 404.
"""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.urls import reverse

from applications.enums import ApplicationStatus
from notifications.enums import NotificationKind
from notifications.services import notify
from programs.enums import CyclePhase, Organisation, Track
from programs.models import Cycle, CyclePhaseChange
from reviews.models import ConflictDeclaration
from tests.factories import (
    ProgramManagerFactory,
    ReviewerFactory,
    UserFactory,
    draft_application,
    open_cycle,
    program_for,
    submitted_review,
)
from tests.support.reviewing import (
    assigned,
    private_media,  # noqa: F401 (a fixture)
    review_cycle,
    under_review,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_media")]

INTERNAL = "INTERNAL-ONLY: the team oversold the preclinical data"
CONFLICT = "CONFLICT: I advise this company"
DRAFT_TITLE = "DRAFT-ONLY work in progress"


@pytest.fixture
def other_program():
    """Everything of the startup-support program: an open call, a call under review with
    a scored application (internal comment) and a conflict declaration, and a draft."""
    program = program_for(Track.STARTUP_SUPPORT)
    call = open_cycle(program=program)
    reviewing = review_cycle(program=program)
    application = under_review(reviewing)
    reviewer = ReviewerFactory(organisation=Organisation.IPARK)
    assignment = assigned(application, reviewer)
    criteria = list(reviewing.criteria.all())
    review = submitted_review(
        application, reviewer, dict.fromkeys(criteria, 7), internal_comment=INTERNAL
    )
    conflicted = ReviewerFactory(organisation=Organisation.MSS)
    conflict = ConflictDeclaration.objects.create(
        reviewer=conflicted, company=application.company, reason=CONFLICT
    )
    draft = draft_application(cycle=call)
    type(draft).objects.filter(pk=draft.pk).update(title=DRAFT_TITLE)
    notify(
        kind=NotificationKind.WELCOME,
        recipients=[draft.company.memberships.get().user],
        target=draft.company.memberships.get().user,
        context={"url": "/"},
    )
    return {
        "call": call,
        "reviewing": reviewing,
        "application": application,
        "assignment": assignment,
        "review": review,
        "conflict": conflict,
        "draft": draft,
    }


def _with_old_admin_access(user):
    """What managers used to have, and more: the staff flag and every model permission.
    The admin must still refuse them."""
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.user_permissions.set(Permission.objects.all())
    return user


def _persona(who: str):
    if who == "anonymous":
        return None
    if who == "other_program_manager":
        manager = ProgramManagerFactory(programs=[program_for(Track.OPEN_INNOVATION)])
        return _with_old_admin_access(manager.user)
    if who == "this_program_manager":
        manager = ProgramManagerFactory(programs=[program_for(Track.STARTUP_SUPPORT)])
        return _with_old_admin_access(manager.user)
    if who == "reviewer":
        return ReviewerFactory().user
    if who == "applicant":
        return UserFactory()
    if who == "staff":
        return _with_old_admin_access(UserFactory())
    raise AssertionError(who)


REFUSED = ["anonymous", "other_program_manager", "this_program_manager", "reviewer", "applicant"]
REFUSED_STAFF = [*REFUSED, "staff"]


def _admin_urls() -> list[str]:
    """Every admin URL of every registered model (with an existing object for the object
    pages), the index and each app's index."""
    urls = [reverse("admin:index"), reverse("admin:autocomplete")]
    labels = set()
    for model, _ in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        labels.add(model._meta.app_label)
        urls += [
            reverse("admin:{}_{}_changelist".format(*info)),
            reverse("admin:{}_{}_add".format(*info)),
        ]
        obj = model._default_manager.order_by("pk").first()
        if obj is not None:
            for page in ("change", "delete", "history"):
                urls.append(reverse(f"admin:{info[0]}_{info[1]}_{page}", args=[obj.pk]))
    urls += [reverse("admin:app_list", args=[label]) for label in sorted(labels)]
    return urls


def _login(client, user):
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("who", REFUSED_STAFF)
def test_another_programs_manager_cannot_close_its_call_through_the_admin(
    client, other_program, who
):
    """The reproduction: ``POST /admin/programs/cycle/`` with ``action=move_to_closed``."""
    call = other_program["call"]
    _login(client, _persona(who))

    response = client.post(
        reverse("admin:programs_cycle_changelist"),
        {"action": "move_to_closed", "_selected_action": [call.pk]},
    )

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert Cycle.objects.get(pk=call.pk).phase == CyclePhase.OPEN
    assert not CyclePhaseChange.objects.filter(cycle=call).exists()


@pytest.mark.parametrize("who", REFUSED_STAFF)
def test_every_admin_url_sends_everyone_but_operators_to_the_login(client, other_program, who):
    urls = _admin_urls()
    # The records of the reproduction are among the object pages walked.
    for record in ("application", "conflict", "assignment", "call"):
        obj = other_program[record]
        meta = obj._meta
        assert any(url.startswith(f"/admin/{meta.app_label}/{meta.model_name}/") for url in urls), (
            record
        )
    assert len(urls) > 50
    _login(client, _persona(who))

    for url in urls:
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 302, (url, method)
            assert response["Location"].startswith(reverse("admin:login")), url
            content = response.content.decode()
            assert INTERNAL not in content and CONFLICT not in content
            assert DRAFT_TITLE not in content


def test_the_operator_reaches_every_admin_url(client, other_program, operator):
    client.force_login(operator)

    for url in _admin_urls():
        if "/delete/" in url:
            continue  # answered with a confirmation page or 403 (read-only records)
        response = client.get(url)
        assert response.status_code in (200, 403), url
    page = client.get(
        reverse("admin:reviews_assignment_change", args=[other_program["assignment"].pk])
    )
    assert INTERNAL in page.content.decode()


@pytest.mark.parametrize("staff", [True, False])
def test_the_admin_login_refuses_a_manager_with_the_right_password(client, staff):
    manager = ProgramManagerFactory()
    manager.user.set_password("correct horse")
    manager.user.is_staff = staff
    manager.user.save()

    response = client.post(
        reverse("admin:login"), {"username": manager.user.email, "password": "correct horse"}
    )

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "The administration is for site operators only." in response.content.decode()


def test_the_admin_login_admits_an_operator(client):
    operator = UserFactory(is_staff=True, is_superuser=True)
    operator.set_password("correct horse")
    operator.save()

    response = client.post(
        reverse("admin:login"), {"username": operator.email, "password": "correct horse"}
    )

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(operator.pk)


# --- The same records through the portal's pages and API: 404 ---------------------------


def _portal_urls(records) -> list[tuple[str, str]]:
    call, reviewing = records["call"], records["reviewing"]
    application, draft = records["application"], records["draft"]
    assignment, conflict = records["assignment"], records["conflict"]
    document = application.documents.first()
    urls = [("post", reverse("reviews:manage_cycle_phase", args=[call.pk]))]
    for cycle in (call, reviewing):
        for name in ("manage_cycle", "screening", "assignment", "ranking", "decisions"):
            urls.append(("get", reverse(f"reviews:{name}", args=[cycle.pk])))
        urls.append(("get", f"/api/v1/manage/cycles/{cycle.pk}/ranking/"))
        for name in ("decisions", "approval", "announce"):
            urls.append(("post", f"/api/v1/manage/cycles/{cycle.pk}/{name}/"))
    for app in (application, draft):
        urls += [
            ("get", reverse("reviews:manage_application", args=[app.pk])),
            ("get", reverse("applications:detail", args=[app.pk])),
            ("get", f"/api/v1/applications/{app.pk}/"),
            ("get", reverse("applications:company", args=[app.company_id])),
        ]
    urls += [
        ("get", reverse("applications:document", args=[application.pk, document.pk])),
        ("get", reverse("reviews:reviewer_application", args=[application.pk])),
        ("get", reverse("reviews:review", args=[assignment.pk])),
        ("get", f"/api/v1/reviews/assignments/{assignment.pk}/"),
        ("post", reverse("reviews:review_reopen", args=[records["review"].pk])),
        ("post", reverse("reviews:conflict_withdraw", args=[conflict.pk])),
    ]
    return urls


def test_the_portal_and_api_show_another_programs_records_to_nobody_else(client, other_program):
    """Another program's manager (with the old admin access) gets 404 on every page and
    endpoint of the records the admin used to show them."""
    intruder = _persona("other_program_manager")
    client.force_login(intruder)

    for method, url in _portal_urls(other_program):
        response = getattr(client, method)(url)
        if url.startswith("/api/v1/reviews/"):
            # The reviewers' API refuses non-reviewers before any lookup: the same 403
            # for a record that exists and one that does not, so nothing is revealed.
            missing = getattr(client, method)("/api/v1/reviews/assignments/999999/")
            assert response.status_code == missing.status_code == 403, url
            assert response.json() == missing.json()
        else:
            assert response.status_code == 404, url
        content = response.content.decode()
        assert INTERNAL not in content and CONFLICT not in content
        assert DRAFT_TITLE not in content
    assert Cycle.objects.get(pk=other_program["call"].pk).phase == CyclePhase.OPEN
    assert ConflictDeclaration.objects.filter(pk=other_program["conflict"].pk).exists()
    other_program["review"].refresh_from_db()
    assert other_program["review"].status == "submitted"


def test_this_programs_manager_sees_its_applications_in_the_portal_but_not_drafts(
    client, other_program
):
    manager = ProgramManagerFactory(programs=[program_for(Track.STARTUP_SUPPORT)])
    client.force_login(manager.user)
    application, draft = other_program["application"], other_program["draft"]

    page = client.get(reverse("reviews:manage_application", args=[application.pk]))
    assert page.status_code == 200
    assert INTERNAL in page.content.decode()
    assert client.get(f"/api/v1/applications/{application.pk}/").status_code == 200
    assert draft.status == ApplicationStatus.DRAFT
    for url in (
        reverse("reviews:manage_application", args=[draft.pk]),
        reverse("applications:detail", args=[draft.pk]),
        f"/api/v1/applications/{draft.pk}/",
    ):
        assert client.get(url).status_code == 404, url
    for name in ("manage_cycles",):
        assert client.get(reverse(f"reviews:{name}")).status_code == 200


@pytest.mark.parametrize(
    ("user", "shown"),
    [("operator", True), ("manager", False), ("staff", False), ("applicant", False)],
)
def test_the_navbar_links_the_admin_for_operators_only(client, user, shown, operator, manager):
    persona = {
        "operator": operator,
        "manager": manager.user,
        "staff": _with_old_admin_access(UserFactory()),
        "applicant": UserFactory(),
    }[user]
    client.force_login(persona)

    content = client.get("/").content.decode()

    assert (f'href="{reverse("admin:index")}"' in content) is shown
