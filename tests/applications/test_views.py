import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from applications import services
from applications.enums import ApplicationStatus
from applications.models import Application, Company, Invitation
from programs.enums import CyclePhase, Track
from programs.models import Cycle
from tests.factories import (
    CompanyFactory,
    MembershipFactory,
    UserFactory,
    complete_application,
    cycle_for,
    draft_application,
    pdf_bytes,
    pdf_upload,
    submitted_application,
)
from tests.factories.accounts import PASSWORD

pytestmark = pytest.mark.django_db

S = ApplicationStatus


def _edit(application, step):
    return reverse("applications:edit", kwargs={"pk": application.pk, "step": step})


def _autosave(application, step="project"):
    return reverse("applications:autosave", kwargs={"pk": application.pk, "step": step})


# --- Apply button, company, start ---------------------------------------------------------


def test_cycle_page_asks_a_visitor_to_log_in_to_apply(client):
    cycle = cycle_for()

    content = client.get(cycle.get_absolute_url()).content.decode()

    start = reverse("applications:start", kwargs={"cycle": cycle.pk})
    assert f'href="{reverse("account_login")}?next={start}"' in content
    assert "Log in to apply" in content


def test_cycle_page_offers_apply_then_continue(client, applicant):
    cycle = cycle_for()
    client.force_login(applicant)
    start = reverse("applications:start", kwargs={"cycle": cycle.pk})

    assert f'href="{start}"' in client.get(cycle.get_absolute_url()).content.decode()

    application = draft_application(user=applicant, cycle=cycle)
    content = client.get(cycle.get_absolute_url()).content.decode()
    assert "Continue your application" in content
    assert _edit(application, "company") in content


def test_apply_without_a_company_leads_to_company_creation_then_to_the_draft(client, applicant):
    cycle = cycle_for()
    client.force_login(applicant)

    response = client.get(reverse("applications:start", kwargs={"cycle": cycle.pk}))
    assert response["Location"] == f"{reverse('applications:company_create')}?cycle={cycle.pk}"

    response = client.post(
        f"{reverse('applications:company_create')}?cycle={cycle.pk}",
        {
            "name_ko": "한빛셀",
            "name_en": "Hanbit Cell",
            "business_number": "124-81-00998",
            "founded_on": "2021-04-01",
            "employees": "8",
            "field": "cell_therapy",
            "website": "hanbit.example",
            "representative": "Kim Min-ji",
            "address": "Seoul",
            "description": "CAR-NK",
            "cycle": str(cycle.pk),
        },
    )
    company = Company.objects.get()
    assert company.business_number == "1248100998"
    assert company.website == "https://hanbit.example"
    assert response["Location"] == reverse("applications:start", kwargs={"cycle": cycle.pk})

    response = client.post(response["Location"], {"company": company.pk})
    # Choosing the company opens the empty form: the draft waits for the first save.
    assert not Application.objects.exists()
    assert response["Location"] == reverse(
        "applications:new", args=[cycle.pk, company.pk, "company"]
    )


def test_company_form_shows_the_check_digit_error_and_keeps_the_input(client, applicant):
    client.force_login(applicant)

    response = client.post(
        reverse("applications:company_create"),
        {"name_ko": "한빛", "name_en": "Hanbit", "business_number": "124-81-00999"},
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert "check digit does not match" in content
    assert 'value="124-81-00999"' in content
    assert 'value="Hanbit"' in content
    assert not Company.objects.exists()


def test_company_form_explains_a_taken_business_number(client, applicant):
    CompanyFactory(business_number="1248100998")
    client.force_login(applicant)

    response = client.post(
        reverse("applications:company_create"), {"business_number": "1248100998"}
    )

    assert "Ask its owner to invite you" in response.content.decode()


def test_second_apply_leads_to_the_existing_draft(client, applicant):
    application = draft_application(user=applicant)
    client.force_login(applicant)
    url = reverse("applications:start", kwargs={"cycle": application.cycle_id})

    assert client.get(url)["Location"] == _edit(application, "company")
    response = client.post(url, {"company": application.company_id}, follow=True)

    assert response.redirect_chain[-1][0] == _edit(application, "company")
    assert "already has an application to this call" in response.content.decode()
    assert Application.objects.count() == 1


# --- Steps, partial saves, conflicts ------------------------------------------------------


def test_step_pages_render_with_progress_for_each_track(client, applicant):
    for track in Track:
        application = draft_application(
            user=applicant, company=CompanyFactory(owner=applicant), track=track
        )
        client.force_login(applicant)
        for step in ("company", "project", "track", "documents", "review"):
            response = client.get(_edit(application, step))
            assert response.status_code == 200, (track, step)
            content = response.content.decode()
            assert 'aria-current="step"' in content
            assert content.count('<span class="step-number">') == 5


def test_track_step_shows_offered_technologies_with_details(client, applicant):
    application = draft_application(user=applicant, track=Track.JOINT_RND)
    technology = application.cycle.technologies.get()
    client.force_login(applicant)

    content = client.get(_edit(application, "track")).content.decode()

    assert technology.title in content and technology.holder in content
    assert f'value="{technology.pk}"' in content
    assert "TRL 4" in content


def test_save_and_continue_saves_and_moves_on(client, applicant):
    application = draft_application(user=applicant)
    client.force_login(applicant)

    response = client.post(
        _edit(application, "project"), {"title": "CAR-NK", "version": 1, "action": "continue"}
    )

    assert response["Location"] == _edit(application, "track")
    application.refresh_from_db()
    assert (application.title, application.version) == ("CAR-NK", 2)


def test_validation_error_saves_the_rest_and_keeps_what_was_typed(client, applicant):
    application = draft_application(user=applicant)
    client.force_login(applicant)

    response = client.post(
        _edit(application, "project"),
        {
            "title": "Keep me",
            "summary": "Long text",
            "budget_krw": "-5",
            "version": 1,
            "action": "continue",
        },
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert "Ensure this value is greater than or equal to 1." in content
    assert 'value="-5"' in content
    assert "Long text" in content
    application.refresh_from_db()
    assert (application.title, application.summary, application.budget_krw) == (
        "Keep me",
        "Long text",
        None,
    )


def test_stale_step_post_shows_both_versions_and_overwrites_nothing(client, applicant):
    application = draft_application(user=applicant)
    colleague = MembershipFactory(
        company=application.company, user=UserFactory(display_name="Lee")
    ).user
    services.application_update(
        application=application,
        actor=colleague,
        data={"summary": "Lee's summary"},
        expected_version=1,
    )
    client.force_login(applicant)

    response = client.post(
        _edit(application, "project"), {"summary": "My summary", "version": 1, "action": "continue"}
    )

    content = response.content.decode()
    assert response.status_code == 409
    assert "Not saved: Lee saved a different version" in content
    assert "Lee&#x27;s summary" in content  # theirs, shown
    assert "My summary</textarea>" in content  # mine, kept in the form
    assert 'name="version" value="2"' in content
    assert 'data-autosave="off"' in content
    application.refresh_from_db()
    assert application.summary == "Lee's summary"

    response = client.post(
        _edit(application, "project"), {"summary": "My summary", "version": 2, "action": "save"}
    )

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.summary == "My summary"


def test_step_of_a_submitted_application_redirects_members_to_the_read_only_page(client, applicant):
    application = submitted_application(user=applicant)
    client.force_login(applicant)

    response = client.get(_edit(application, "project"))

    assert response["Location"] == application.get_absolute_url()


def test_step_post_after_someone_submitted_keeps_the_text_and_says_so(client, applicant):
    application = draft_application(user=applicant)
    complete_application(application)
    client.force_login(applicant)
    services.application_submit(
        application=application, actor=applicant, consents=["personal_data", "overseas_transfer"]
    )

    response = client.post(_edit(application, "project"), {"summary": "Late idea", "version": 3})

    # A member of a submitted application is sent to its page; nothing changed.
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.summary != "Late idea"


# --- Autosave ------------------------------------------------------------------------------


def test_autosave_saves_and_swaps_in_the_new_version(client, applicant):
    application = draft_application(user=applicant)
    client.force_login(applicant)

    response = client.post(
        _autosave(application), {"title": "Typed", "version": 1}, HTTP_HX_REQUEST="true"
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert "Saved at" in content
    assert re.search(
        r'<input type="hidden" name="version" value="2" id="id_version" hx-swap-oob="true">',
        content,
    )
    application.refresh_from_db()
    assert application.title == "Typed"


def test_autosave_reports_invalid_fields_and_saves_the_others(client, applicant):
    application = draft_application(user=applicant)
    client.force_login(applicant)

    response = client.post(
        _autosave(application), {"title": "T", "budget_krw": "12x", "version": 1}
    )

    content = response.content.decode()
    assert "Not saved, please correct:" in content and "Budget requested (KRW)" in content
    application.refresh_from_db()
    assert (application.title, application.budget_krw) == ("T", None)


def test_autosave_with_a_stale_version_is_a_conflict_and_overwrites_nothing(client, applicant):
    application = draft_application(user=applicant)
    services.application_update(
        application=application, actor=applicant, data={"title": "Tab A"}, expected_version=1
    )
    client.force_login(applicant)

    response = client.post(_autosave(application), {"title": "Tab B", "version": 1})

    assert response.status_code == 409
    assert "saved a different version" in response.content.decode()
    assert "hx-swap-oob" not in response.content.decode()
    application.refresh_from_db()
    assert application.title == "Tab A"


def test_autosave_after_the_deadline_still_saves(client, applicant):
    application = draft_application(user=applicant)
    Cycle.objects.filter(pk=application.cycle_id).update(
        opens_at=timezone.now() - timedelta(days=30),
        closes_at=timezone.now() - timedelta(minutes=1),
    )
    client.force_login(applicant)

    response = client.post(_autosave(application), {"title": "After hours", "version": 1})

    assert response.status_code == 200
    application.refresh_from_db()
    assert application.title == "After hours"


def test_autosave_from_an_expired_session_keeps_the_text_for_after_login(client, applicant):
    application = draft_application(user=applicant)

    response = client.post(_autosave(application), {"title": "Typed while away", "version": 1})

    assert response.status_code == 401
    assert "Your session expired" in response.content.decode()
    client.post(reverse("account_login"), {"login": applicant.email, "password": PASSWORD})
    content = client.get(_edit(application, "project")).content.decode()
    assert 'value="Typed while away"' in content
    # Logging in switched to the applicant's language (Korean).
    with translation.override("ko"):
        notice = gettext(
            "This is what you typed before your session expired; it has not been saved yet. "
            "Check it and press Save."
        )
    assert notice in content


def test_step_post_from_an_expired_session_goes_to_login_and_comes_back_with_the_text(
    client, applicant
):
    application = draft_application(user=applicant)
    url = _edit(application, "project")

    response = client.post(
        url, {"summary": "Two hours of writing", "version": 1, "action": "continue"}
    )

    assert response["Location"] == f"{reverse('account_login')}?next={url}"
    response = client.post(response["Location"], {"login": applicant.email, "password": PASSWORD})
    assert response["Location"] == url
    content = client.get(url).content.decode()
    assert "\nTwo hours of writing</textarea>" in content
    application.refresh_from_db()
    assert application.summary == ""  # restored in the form, saved when the user presses Save
    # Shown once: a later visit shows what is saved.
    assert "Two hours of writing" not in client.get(url).content.decode()


def test_stashed_text_is_not_shown_to_someone_who_may_not_edit(client, applicant, other_applicant):
    application = draft_application(user=applicant)
    client.post(_edit(application, "project"), {"summary": "Secret plan", "version": 1})

    client.post(reverse("account_login"), {"login": other_applicant.email, "password": PASSWORD})
    response = client.get(_edit(application, "project"))

    assert response.status_code == 404
    assert "Secret plan" not in response.content.decode()


# --- Documents -----------------------------------------------------------------------------


def _upload(client, application, content, name="plan.pdf", kind="business_plan"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        reverse("applications:document_upload", kwargs={"pk": application.pk}),
        {"kind": kind, "file": SimpleUploadedFile(name, content, "application/pdf")},
    )


def test_upload_of_a_real_pdf(client, applicant):
    application = draft_application(user=applicant)
    client.force_login(applicant)

    response = _upload(client, application, pdf_bytes())

    assert response["Location"] == _edit(application, "documents")
    assert application.documents.get().original_name == "plan.pdf"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "This file is not a PDF"),
        (b"", "The submitted file is empty."),
        (b"%PDF-1.4\n%broken", "damaged or incomplete"),
    ],
)
def test_upload_refusals_are_shown_next_to_the_file_field(client, applicant, content, message):
    application = draft_application(user=applicant)
    client.force_login(applicant)

    response = _upload(client, application, content)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not application.documents.exists()


def test_upload_of_an_oversized_file_says_the_limit(client, applicant, settings):
    settings.DOCUMENT_MAX_BYTES = 2 * 1024
    application = draft_application(user=applicant)
    client.force_login(applicant)

    response = _upload(client, application, pdf_bytes() + b"%" * 4096)

    assert response.status_code == 400
    assert "documents may be at most 2.0\xa0KB" in response.content.decode()


def test_download_is_an_attachment_with_nosniff_and_the_original_name(client, applicant):
    application = draft_application(user=applicant)
    content = pdf_bytes()
    services.document_upload(
        application=application,
        actor=applicant,
        kind="business_plan",
        file=pdf_upload("사업계획서.pdf", content),
    )
    client.force_login(applicant)

    response = client.get(application.documents.get().get_absolute_url())

    body = b"".join(response.streaming_content)
    response.close()
    assert body == content
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''%EC%82%AC" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


def test_replace_link_preselects_the_kind(client, applicant):
    application = draft_application(user=applicant)
    services.document_upload(
        application=application, actor=applicant, kind="pitch_deck", file=pdf_upload()
    )
    services.document_upload(
        application=application, actor=applicant, kind="other", file=pdf_upload()
    )
    client.force_login(applicant)

    listing = client.get(_edit(application, "documents")).content.decode()
    form = client.get(_edit(application, "documents") + "?kind=pitch_deck").content.decode()

    assert listing.count(">Replace</a>") == 1
    assert 'href="?kind=pitch_deck#upload"' in listing
    assert '<option value="pitch_deck" selected>' in form


def test_document_delete_from_the_documents_step(client, applicant):
    application = draft_application(user=applicant)
    document = services.document_upload(
        application=application, actor=applicant, kind="other", file=pdf_upload()
    )
    client.force_login(applicant)

    response = client.post(
        reverse(
            "applications:document_delete", kwargs={"pk": application.pk, "document": document.pk}
        )
    )

    assert response["Location"] == _edit(application, "documents")
    assert not application.documents.exists()


# --- Review and submit ---------------------------------------------------------------------


def test_review_lists_every_problem_with_a_link_to_its_step(client, applicant):
    application = draft_application(user=applicant)
    client.force_login(applicant)

    content = client.get(_edit(application, "review")).content.decode()

    assert f'href="{_edit(application, "project")}#div_id_title"' in content
    assert f'href="{_edit(application, "track")}#div_id_clinical_plan"' in content
    assert f'href="{_edit(application, "documents")}#required-documents"' in content
    assert "Required document missing: Business plan." in content


def test_review_shows_both_consent_texts_by_title_and_date_not_version_code(client, applicant):
    application = draft_application(user=applicant)
    client.force_login(applicant)

    content = client.get(_edit(application, "review")).content.decode()

    assert "personal_data/2027-02" not in content and "overseas_transfer/2027-02" not in content
    assert "Consent to the collection and use of personal data" in content
    assert content.count("text of Feb. 1, 2027") == 2
    assert "Retention period" in content and "Shonan Health Innovation Park (iPark)" in content
    assert (
        'name="consent_personal_data"' in content and 'name="consent_overseas_transfer"' in content
    )


def test_submit_without_consent_shows_the_error_next_to_the_checkbox(client, applicant):
    application = complete_application(draft_application(user=applicant))
    client.force_login(applicant)

    response = client.post(_edit(application, "review"), {"consent_personal_data": "on"})

    content = response.content.decode()
    assert response.status_code == 400
    transfer = content.index('name="consent_overseas_transfer"')
    assert content.index("Tick this box to give your consent", transfer) > transfer
    assert content.count("Tick this box") == 1
    assert 'name="consent_personal_data" id="id_consent_personal_data" checked' in content
    application.refresh_from_db()
    assert application.status == S.DRAFT


def test_submit_succeeds_and_leads_to_the_read_only_page_with_the_reference(client, applicant):
    cycle = cycle_for(track=Track.OPEN_INNOVATION, code="2027R1")
    application = complete_application(draft_application(user=applicant, cycle=cycle))
    client.force_login(applicant)

    response = client.post(
        _edit(application, "review"),
        {"consent_personal_data": "on", "consent_overseas_transfer": "on"},
        follow=True,
    )

    content = response.content.decode()
    assert response.redirect_chain[-1][0] == application.get_absolute_url()
    assert "Its reference is OI-2027R1-0001" in content
    assert 'id="reference">OI-2027R1-0001<' in content
    assert "Continue editing" not in content


def test_submit_after_the_deadline_is_refused_with_a_clear_message_and_the_draft_kept(
    client, applicant
):
    application = complete_application(draft_application(user=applicant))
    Cycle.objects.filter(pk=application.cycle_id).update(
        opens_at=timezone.now() - timedelta(days=30),
        closes_at=timezone.now() - timedelta(minutes=1),  # longer ago than the grace
    )
    client.force_login(applicant)

    response = client.post(
        _edit(application, "review"),
        {"consent_personal_data": "on", "consent_overseas_transfer": "on"},
    )

    content = response.content.decode()
    assert response.status_code == 400
    assert "Not submitted: the call closed at" in content
    assert "Your draft is kept as it is." in content
    application.refresh_from_db()
    assert application.status == S.DRAFT and application.title


# --- The application page and dashboard ----------------------------------------------------


def test_detail_shows_answers_documents_and_timeline(client, applicant):
    application = submitted_application(user=applicant)
    client.force_login(applicant)

    content = client.get(application.get_absolute_url()).content.decode()

    assert application.title in content
    assert application.documents.get().original_name in content
    timeline = content[content.index('id="status-timeline"') :]
    assert timeline.index("Draft") < timeline.index("Submitted")


def test_detail_hides_a_staged_decision_until_the_announcement(client, applicant, manager):
    application = submitted_application(user=applicant)
    services.application_screen(application=application, actor=manager.user, eligible=True)
    services.application_decide(
        application=application, actor=manager.user, decision=S.REJECTED, note="Internal: weak IP"
    )
    client.force_login(applicant)

    content = client.get(application.get_absolute_url()).content.decode()

    assert "Not selected" not in content
    assert "Internal: weak IP" not in content
    assert 'id="decision"' not in content
    assert "Under review" in content

    Cycle.objects.filter(pk=application.cycle_id).update(phase=CyclePhase.ANNOUNCED)
    content = client.get(application.get_absolute_url()).content.decode()
    assert 'id="decision"' in content and "Not selected" in content
    assert "Internal: weak IP" not in content  # a manager's decision note stays internal


def test_detail_shows_the_ineligibility_reason_at_once(client, applicant, manager):
    application = submitted_application(user=applicant)
    services.application_screen(
        application=application, actor=manager.user, eligible=False, reason="Not a Korean company"
    )
    client.force_login(applicant)

    content = client.get(application.get_absolute_url()).content.decode()

    assert 'id="decision"' in content
    assert "Ineligible" in content and 'id="result-note">Not a Korean company<' in content


def test_manager_sees_the_real_status(client, applicant, manager):
    application = submitted_application(user=applicant)
    services.application_screen(application=application, actor=manager.user, eligible=True)
    services.application_decide(application=application, actor=manager.user, decision=S.SELECTED)
    client.force_login(manager.user)

    content = client.get(application.get_absolute_url()).content.decode()

    assert '<span class="badge text-bg-success status-badge">Selected</span>' in content


def test_dashboard_lists_the_companies_applications_with_countdown_and_next_action(
    client, applicant
):
    draft = draft_application(user=applicant)
    sent = submitted_application(
        user=applicant, company=draft.company, cycle=cycle_for(track=Track.JOINT_RND)
    )
    foreign = draft_application()
    client.force_login(applicant)

    response = client.get(reverse("applications:dashboard"))

    content = response.content.decode()
    assert {a.pk for a in response.context["applications"]} == {draft.pk, sent.pk}
    assert foreign.company.name_en not in content
    assert "20 days left" in content
    assert "Complete and submit before the deadline" in content
    assert sent.reference in content
    assert "Nothing to do: results are announced after the review" in content


def test_navbar_links_my_applications_for_logged_in_users(client, applicant):
    assert "My applications" not in client.get("/").content.decode()
    client.force_login(applicant)
    assert f'href="{reverse("applications:dashboard")}"' in client.get("/").content.decode()


def test_withdraw_with_a_reason(client, applicant):
    application = submitted_application(user=applicant)
    client.force_login(applicant)

    response = client.post(
        reverse("applications:withdraw", kwargs={"pk": application.pk}),
        {"reason": "Funded elsewhere"},
    )

    assert response["Location"] == application.get_absolute_url()
    application.refresh_from_db()
    assert application.status == S.WITHDRAWN
    assert application.status_changes.last().note == "Funded elsewhere"
    assert "Funded elsewhere" in client.get(application.get_absolute_url()).content.decode()


def test_delete_draft(client, applicant):
    application = draft_application(user=applicant)
    client.force_login(applicant)

    response = client.post(reverse("applications:delete", kwargs={"pk": application.pk}))

    assert response["Location"] == reverse("applications:dashboard")
    assert not Application.objects.exists()


# --- Team -----------------------------------------------------------------------------------


def test_owner_invites_and_the_invited_person_joins(
    client, applicant, django_capture_on_commit_callbacks
):
    company = CompanyFactory(owner=applicant)
    client.force_login(applicant)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("applications:invite", kwargs={"pk": company.pk}), {"email": "new@example.com"}
        )
    invitation = Invitation.objects.get()
    link = re.search(r"http://\S+/invitations/\S+/", mail.outbox[0].body).group(0)
    invited = UserFactory(email="new@example.com")
    client.force_login(invited)

    page = client.get(link.replace("http://127.0.0.1:8000", ""))
    assert "Accept the invitation" in page.content.decode()
    response = client.post(invitation.get_absolute_url())

    assert response["Location"] == company.get_absolute_url()
    assert company.memberships.filter(user=invited).exists()


def test_invitation_page_tells_a_wrong_account_to_switch(client, applicant, other_applicant):
    invitation = services.invitation_create(
        company=CompanyFactory(owner=applicant), actor=applicant, email="new@example.com"
    )
    client.force_login(other_applicant)

    content = client.get(invitation.get_absolute_url()).content.decode()
    client.post(invitation.get_absolute_url())

    assert "but you are logged in as other@example.com" in content
    assert not invitation.company.memberships.filter(user=other_applicant).exists()


def test_owner_removes_a_member_from_the_team_page(client, applicant):
    company = CompanyFactory(owner=applicant)
    membership = MembershipFactory(company=company)
    client.force_login(applicant)

    client.post(
        reverse(
            "applications:membership_remove", kwargs={"pk": company.pk, "membership": membership.pk}
        )
    )

    assert not company.memberships.filter(pk=membership.pk).exists()


def test_api_lists_only_the_users_companies_applications_with_the_staged_status(
    client, applicant, manager
):
    own = submitted_application(user=applicant)
    services.application_screen(application=own, actor=manager.user, eligible=True)
    services.application_decide(application=own, actor=manager.user, decision=S.SELECTED)
    draft_application()
    client.force_login(applicant)

    data = client.get("/api/v1/applications/").json()

    assert [(row["id"], row["status"], row["reference"]) for row in data["results"]] == [
        (own.pk, S.UNDER_REVIEW, own.reference)
    ]


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_dashboard_query_count_does_not_grow_with_applications(client, applicant):
    company = CompanyFactory(owner=applicant)
    draft_application(user=applicant, company=company)
    client.force_login(applicant)
    few = _queries(client, reverse("applications:dashboard"))
    for track in Track:
        for _ in range(2):
            submitted_application(user=applicant, company=company, cycle=cycle_for(track=track))

    assert _queries(client, reverse("applications:dashboard")) == few


def test_detail_query_count_does_not_grow_with_documents_and_history(client, applicant, manager):
    plain = submitted_application(user=applicant)
    busy = draft_application(user=applicant, company=plain.company, cycle=cycle_for())
    complete_application(busy)
    for name in ("a.pdf", "b.pdf", "c.pdf"):
        services.document_upload(
            application=busy, actor=applicant, kind="other", file=pdf_upload(name)
        )
    services.application_submit(
        application=busy, actor=applicant, consents=["personal_data", "overseas_transfer"]
    )
    services.application_screen(application=busy, actor=manager.user, eligible=True)
    client.force_login(applicant)

    assert _queries(client, busy.get_absolute_url()) == _queries(client, plain.get_absolute_url())


@pytest.mark.parametrize(
    ("role", "shown"), [("applicant", True), ("reviewer", False), ("manager", False)]
)
def test_navbar_offers_my_applications_to_applicants_only(client, role, shown, request):
    persona = {"applicant": "applicant", "reviewer": "mss_reviewer", "manager": "manager"}[role]
    user = request.getfixturevalue(persona)
    client.force_login(getattr(user, "user", user))

    content = client.get("/").content.decode()

    assert ("My applications" in content) is shown
    assert "inbox-link" in content


def test_application_page_lists_consents_given_by_title_and_date(client, applicant):
    application = submitted_application(user=applicant)
    client.force_login(applicant)

    content = client.get(application.get_absolute_url()).content.decode()

    assert "/2027-02" not in content
    assert "Consent to the collection and use of personal data" in content
    assert "text of Feb. 1, 2027" in content


# --- The deadline is judged by when the request reached the proxy -------------------------


def _submit_late(client, applicant, settings, *, proxies, queued_for, grace=0):
    settings.TRUSTED_PROXY_COUNT = proxies
    settings.SUBMISSION_GRACE_SECONDS = grace
    application = complete_application(draft_application(user=applicant))
    arrived = timezone.now() - queued_for
    # The deadline passed while the request waited in the server's queue.
    Cycle.objects.filter(pk=application.cycle_id).update(
        opens_at=timezone.now() - timedelta(days=30),
        closes_at=arrived + timedelta(seconds=1),
    )
    client.force_login(applicant)
    response = client.post(
        _edit(application, "review"),
        {"consent_personal_data": "on", "consent_overseas_transfer": "on"},
        headers={"X-Request-Start": f"t={arrived.timestamp():.3f}"},
    )
    application.refresh_from_db()
    return response, application, arrived


def test_submit_queued_past_the_deadline_counts_from_the_trusted_proxys_arrival(
    client, applicant, settings
):
    response, application, arrived = _submit_late(
        client, applicant, settings, proxies=1, queued_for=timedelta(seconds=5)
    )

    assert response.status_code == 302
    assert application.status == S.SUBMITTED
    assert abs(application.submitted_at - arrived) < timedelta(milliseconds=1)


def test_submit_request_start_header_is_ignored_without_a_trusted_proxy(
    client, applicant, settings
):
    response, application, _ = _submit_late(
        client, applicant, settings, proxies=0, queued_for=timedelta(seconds=5)
    )

    assert response.status_code == 400
    assert application.status == S.DRAFT


def test_submit_request_start_older_than_a_minute_is_not_believed(client, applicant, settings):
    response, application, _ = _submit_late(
        client, applicant, settings, proxies=1, queued_for=timedelta(minutes=5)
    )

    assert response.status_code == 400
    assert application.status == S.DRAFT


def test_submit_within_the_grace_period_succeeds_and_the_grace_is_never_shown(
    client, applicant, settings
):
    settings.SUBMISSION_GRACE_SECONDS = 30
    application = complete_application(draft_application(user=applicant))
    Cycle.objects.filter(pk=application.cycle_id).update(
        opens_at=timezone.now() - timedelta(days=30),
        closes_at=timezone.now() - timedelta(seconds=3),
    )
    client.force_login(applicant)

    page = client.get(_edit(application, "review")).content.decode()
    response = client.post(
        _edit(application, "review"),
        {"consent_personal_data": "on", "consent_overseas_transfer": "on"},
    )

    assert "grace" not in page.lower()
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == S.SUBMITTED


# --- Company profile and invitations ----------------------------------------------------------


def _profile(company, **changes):
    data = {
        "name_ko": company.name_ko,
        "name_en": company.name_en,
        "business_number": company.business_number,
        "founded_on": company.founded_on.isoformat(),
        "employees": company.employees,
        "field": company.field,
        "website": company.website,
        "representative": company.representative,
        "address": company.address,
        "description": company.description,
    }
    return {**data, **changes}


def test_member_edits_the_company_profile_and_every_change_is_saved(client, applicant):
    company = CompanyFactory(owner=applicant, business_number="1248100998")
    client.force_login(applicant)

    response = client.post(
        reverse("applications:company_edit", kwargs={"pk": company.pk}),
        _profile(company, name_en="Hanbit Renamed", employees=40, business_number="220-81-62517"),
    )

    assert response.status_code == 302
    assert response["Location"] == company.get_absolute_url()
    company.refresh_from_db()
    # Every changed field, not only the one the service normalises (the form used to
    # change the instance before the service compared old and new, so only the business
    # number, stored differently from how it was typed, was saved).
    assert (company.name_en, company.employees, company.business_number) == (
        "Hanbit Renamed",
        40,
        "2208162517",
    )


def test_company_update_compares_with_the_stored_row_not_the_instance_given(applicant):
    company = CompanyFactory(owner=applicant)
    company.name_en = "Changed on the instance first"  # as a ModelForm's is_valid() does

    saved = services.company_update(
        company=company, actor=applicant, data={"name_en": "Changed on the instance first"}
    )

    assert Company.objects.get(pk=company.pk).name_en == "Changed on the instance first"
    assert saved.name_en == "Changed on the instance first"


def test_company_edit_is_not_found_for_someone_outside_the_company(
    client, applicant, other_applicant
):
    company = CompanyFactory(owner=applicant, name_en="Kept Name")
    client.force_login(other_applicant)

    response = client.post(
        reverse("applications:company_edit", kwargs={"pk": company.pk}),
        _profile(company, name_en="Hijacked"),
    )

    assert response.status_code == 404
    company.refresh_from_db()
    assert company.name_en == "Kept Name"


def test_owner_revokes_an_open_invitation_and_its_link_stops_working(
    client, applicant, other_applicant
):
    company = CompanyFactory(owner=applicant)
    invitation = services.invitation_create(
        company=company, actor=applicant, email=other_applicant.email
    )
    link = invitation.get_absolute_url()
    client.force_login(applicant)

    response = client.post(
        reverse(
            "applications:invitation_revoke", kwargs={"pk": company.pk, "invitation": invitation.pk}
        ),
        follow=True,
    )

    assert response.redirect_chain[-1][0] == company.get_absolute_url()
    assert "The invitation has been cancelled." in response.content.decode()
    assert not Invitation.objects.filter(pk=invitation.pk).exists()
    client.force_login(other_applicant)
    assert client.get(link).status_code == 404
    client.post(link)
    assert not company.memberships.filter(user=other_applicant).exists()


def test_only_the_owner_may_revoke_an_invitation(client, applicant):
    company = CompanyFactory(owner=applicant)
    member = MembershipFactory(company=company).user
    invitation = services.invitation_create(company=company, actor=applicant, email="n@example.com")
    client.force_login(member)

    response = client.post(
        reverse(
            "applications:invitation_revoke", kwargs={"pk": company.pk, "invitation": invitation.pk}
        )
    )

    assert response.status_code == 403
    assert Invitation.objects.filter(pk=invitation.pk).exists()


def test_revoking_an_accepted_invitation_keeps_the_membership(applicant, other_applicant):
    company = CompanyFactory(owner=applicant)
    invitation = services.invitation_create(
        company=company, actor=applicant, email=other_applicant.email
    )
    services.invitation_accept(invitation=invitation, actor=other_applicant)

    services.invitation_revoke(invitation=invitation, actor=applicant)

    assert Invitation.objects.filter(pk=invitation.pk).exists()
    assert company.memberships.filter(user=other_applicant).exists()


def test_company_edit_to_another_companys_business_number_is_refused_with_a_message(
    client, applicant
):
    CompanyFactory(business_number="2208162517")
    company = CompanyFactory(owner=applicant, business_number="1248100998")
    client.force_login(applicant)

    response = client.post(
        reverse("applications:company_edit", kwargs={"pk": company.pk}),
        _profile(company, business_number="220-81-62517", name_en="Not saved either"),
    )

    assert response.status_code == 400
    assert "is already registered" in response.content.decode()
    company.refresh_from_db()
    assert (company.business_number, company.name_en) == ("1248100998", company.name_en)
    assert company.name_en != "Not saved either"
