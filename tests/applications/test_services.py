import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from applications import services
from applications.consent import CONSENT_TEXTS
from applications.enums import REQUIRED_CONSENTS, ApplicationStatus, ConsentKind, MembershipRole
from applications.models import Application, Consent, Document, Invitation, Membership
from applications.selectors import applicant_status
from common.exceptions import TransitionError
from programs.enums import CyclePhase, DocumentKind, Track
from programs.models import Cycle
from tests.factories import (
    CompanyFactory,
    MembershipFactory,
    ProgramManagerFactory,
    UserFactory,
    complete_application,
    cycle_for,
    draft_application,
    pdf_upload,
    submitted_application,
)
from tests.factories.applications import PROJECT_ANSWERS, business_number

pytestmark = pytest.mark.django_db

S = ApplicationStatus


# --- One live application per company and cycle --------------------------------------------


def test_start_creates_a_draft_with_its_first_history_row(applicant):
    company = CompanyFactory(owner=applicant)
    cycle = cycle_for()

    application, created = services.application_start(company=company, cycle=cycle, actor=applicant)

    assert created is True
    assert (application.status, application.version, application.reference) == (S.DRAFT, 1, None)
    row = application.status_changes.get()
    assert (row.from_status, row.to_status, row.actor) == ("", S.DRAFT, applicant)


def test_start_twice_returns_the_existing_draft(applicant):
    company = CompanyFactory(owner=applicant)
    cycle = cycle_for()
    first, _ = services.application_start(company=company, cycle=cycle, actor=applicant)
    member = MembershipFactory(company=company).user

    second, created = services.application_start(company=company, cycle=cycle, actor=member)

    assert (second.pk, created) == (first.pk, False)
    assert Application.objects.count() == 1


def test_database_refuses_a_second_live_application():
    application = draft_application()

    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.create(company=application.company, cycle=application.cycle)


def test_database_allows_a_new_application_after_a_withdrawn_one(applicant):
    old = submitted_application(user=applicant)
    services.application_withdraw(application=old, actor=applicant)

    new, created = services.application_start(company=old.company, cycle=old.cycle, actor=applicant)

    assert created is True
    assert new.pk != old.pk
    old.refresh_from_db()
    assert old.reference is not None  # withdrawn keeps its reference


def test_start_refused_by_a_non_member(applicant, other_applicant):
    company = CompanyFactory(owner=applicant)

    with pytest.raises(PermissionDenied):
        services.application_start(company=company, cycle=cycle_for(), actor=other_applicant)
    assert not Application.objects.exists()


def test_start_refused_when_the_call_is_closed(applicant):
    cycle = cycle_for(opens_at=timezone.now() - timedelta(days=30))

    with pytest.raises(TransitionError):
        services.application_start(
            company=CompanyFactory(owner=applicant), cycle=cycle, actor=applicant
        )


# --- Drafts: partial saves and optimistic concurrency ---------------------------------------


def test_update_saves_partial_answers_and_bumps_version(applicant):
    application = draft_application(user=applicant)

    services.application_update(
        application=application, actor=applicant, data={"title": "Half done"}, expected_version=1
    )

    application.refresh_from_db()
    assert (application.title, application.summary, application.version) == ("Half done", "", 2)
    assert application.updated_by == applicant


def test_update_with_a_stale_version_raises_and_keeps_the_other_edit(applicant):
    application = draft_application(user=applicant)
    colleague = MembershipFactory(company=application.company).user
    services.application_update(
        application=application,
        actor=colleague,
        data={"summary": "Colleague's"},
        expected_version=1,
    )

    with pytest.raises(services.StaleVersion) as error:
        services.application_update(
            application=Application.objects.get(pk=application.pk),
            actor=applicant,
            data={"summary": "Mine"},
            expected_version=1,
        )

    assert error.value.current.summary == "Colleague's"
    assert error.value.current.updated_by == colleague
    application.refresh_from_db()
    assert (application.summary, application.version) == ("Colleague's", 2)


def test_update_with_identical_values_is_never_a_conflict(applicant):
    application = draft_application(user=applicant)
    services.application_update(
        application=application, actor=applicant, data={"title": "Same"}, expected_version=1
    )

    services.application_update(
        application=application, actor=applicant, data={"title": "Same"}, expected_version=1
    )

    application.refresh_from_db()
    assert application.version == 2


def test_update_refused_once_submitted(applicant):
    application = submitted_application(user=applicant)

    with pytest.raises(services.NotEditable):
        services.application_update(
            application=application,
            actor=applicant,
            data={"title": "Late change"},
            expected_version=application.version,
        )
    application.refresh_from_db()
    assert application.title == PROJECT_ANSWERS["title"]


def test_update_refused_to_a_non_member(applicant, other_applicant):
    application = draft_application(user=applicant)

    with pytest.raises(PermissionDenied):
        services.application_update(
            application=application, actor=other_applicant, data={"title": "x"}, expected_version=1
        )


def test_update_refuses_fields_of_another_track(applicant):
    application = draft_application(user=applicant, track=Track.OPEN_INNOVATION)

    with pytest.raises(ValueError):
        services.application_update(
            application=application,
            actor=applicant,
            data={"clinical_plan": "x"},
            expected_version=1,
        )


def test_update_after_the_deadline_still_saves_the_draft(applicant):
    application = draft_application(user=applicant)
    Cycle.objects.filter(pk=application.cycle_id).update(
        opens_at=timezone.now() - timedelta(days=10),
        closes_at=timezone.now() - timedelta(seconds=1),
    )

    services.application_update(
        application=application, actor=applicant, data={"title": "Saved late"}, expected_version=1
    )

    application.refresh_from_db()
    assert application.title == "Saved late"


def test_delete_draft_removes_it_and_its_files(applicant, django_capture_on_commit_callbacks):
    application = draft_application(user=applicant)
    complete_application(application)
    document = application.documents.get()
    storage = document.file.storage
    name = document.file.name

    with django_capture_on_commit_callbacks(execute=True):
        services.application_delete(application=application, actor=applicant)

    assert not Application.objects.filter(pk=application.pk).exists()
    assert not storage.exists(name)


def test_delete_refused_for_a_submitted_application(applicant):
    application = submitted_application(user=applicant)

    with pytest.raises(services.NotEditable):
        services.application_delete(application=application, actor=applicant)


# --- Submission: deadline, requirements, consents, references --------------------------------


def _ready(applicant, **cycle_kwargs):
    cycle = cycle_for(**cycle_kwargs)
    application = draft_application(user=applicant, cycle=cycle)
    return complete_application(application)


def test_submit_one_second_before_the_deadline_succeeds(applicant):
    application = _ready(applicant)
    now = application.cycle.closes_at - timedelta(seconds=1)

    services.application_submit(
        application=application, actor=applicant, consents=ConsentKind.values, now=now
    )

    application.refresh_from_db()
    assert application.status == S.SUBMITTED
    assert application.submitted_at == now


def test_submit_within_the_grace_period_after_the_deadline_succeeds(applicant, settings):
    settings.SUBMISSION_GRACE_SECONDS = 10
    application = _ready(applicant)
    now = application.cycle.closes_at + timedelta(seconds=9)

    services.application_submit(
        application=application, actor=applicant, consents=ConsentKind.values, now=now
    )

    application.refresh_from_db()
    assert application.status == S.SUBMITTED
    assert application.submitted_at == now


@pytest.mark.parametrize("grace", [0, 10])
@pytest.mark.parametrize("offset", [timedelta(0), timedelta(seconds=1)])
def test_submit_at_or_after_the_deadline_and_grace_is_refused_and_the_draft_kept(
    applicant, settings, offset, grace
):
    settings.SUBMISSION_GRACE_SECONDS = grace
    application = _ready(applicant)
    version = Application.objects.get(pk=application.pk).version
    now = application.cycle.closes_at + timedelta(seconds=grace) + offset

    with pytest.raises(services.SubmissionRefused) as error:
        services.application_submit(
            application=application, actor=applicant, consents=ConsentKind.values, now=now
        )

    assert error.value.deadline_passed is True
    assert error.value.problems == []
    application.refresh_from_db()
    assert (application.status, application.reference, application.version) == (
        S.DRAFT,
        None,
        version,
    )
    assert application.title == PROJECT_ANSWERS["title"]
    assert application.documents.count() == 1
    assert not application.consents.exists()
    assert application.status_changes.count() == 1


def test_submit_refused_when_a_manager_closed_the_call_early(applicant):
    application = _ready(applicant)
    Cycle.objects.filter(pk=application.cycle_id).update(phase=CyclePhase.CLOSED)

    with pytest.raises(services.SubmissionRefused) as error:
        services.application_submit(
            application=application, actor=applicant, consents=ConsentKind.values
        )

    assert error.value.deadline_passed is True


def test_submit_lists_every_missing_answer_and_document_by_step(applicant):
    cycle = cycle_for(
        track=Track.JOINT_RND, required_document_kinds=["business_plan", "ip_evidence"]
    )
    application = draft_application(user=applicant, cycle=cycle)
    services.application_update(
        application=application, actor=applicant, data={"title": "Only a title"}, expected_version=1
    )

    with pytest.raises(services.SubmissionRefused) as error:
        services.application_submit(
            application=application, actor=applicant, consents=ConsentKind.values
        )

    assert [(p.step, p.field) for p in error.value.problems] == [
        ("project", "summary"),
        ("project", "team"),
        ("project", "budget_krw"),
        ("project", "timeline"),
        ("track", "technology"),
        ("track", "collaboration_plan"),
        ("documents", "business_plan"),
        ("documents", "ip_evidence"),
    ]
    assert error.value.problems[0].message == "Project summary: this answer is required."
    assert error.value.problems[-1].message == "Required document missing: Patents and IP evidence."
    assert error.value.deadline_passed is False


def test_submit_refuses_a_technology_not_offered_in_the_cycle(applicant):
    from tests.factories import TechnologyFactory

    application = _ready(applicant, track=Track.JOINT_RND)
    elsewhere = TechnologyFactory()
    services.application_update(
        application=application,
        actor=applicant,
        data={"technology": elsewhere},
        expected_version=Application.objects.get(pk=application.pk).version,
    )

    with pytest.raises(services.SubmissionRefused) as error:
        services.application_submit(
            application=application, actor=applicant, consents=ConsentKind.values
        )

    assert [(p.step, p.field) for p in error.value.problems] == [("track", "technology")]


@pytest.mark.parametrize(
    "given", [[], [ConsentKind.PERSONAL_DATA], [ConsentKind.OVERSEAS_TRANSFER]]
)
def test_submit_needs_both_consents(applicant, given):
    application = _ready(applicant)

    with pytest.raises(services.SubmissionRefused) as error:
        services.application_submit(application=application, actor=applicant, consents=given)

    assert error.value.missing_consents == [k for k in REQUIRED_CONSENTS if k not in given]
    assert not Consent.objects.exists()
    application.refresh_from_db()
    assert application.status == S.DRAFT


def test_submit_records_each_consent_with_user_time_and_text_version(applicant):
    application = _ready(applicant)
    member = MembershipFactory(company=application.company).user
    now = timezone.now()

    services.application_submit(
        application=application, actor=member, consents=ConsentKind.values, now=now
    )

    rows = {c.kind: c for c in application.consents.all()}
    assert set(rows) == {ConsentKind.PERSONAL_DATA, ConsentKind.OVERSEAS_TRANSFER}
    for kind, consent in rows.items():
        assert (consent.user, consent.given_at) == (member, now)
        assert consent.text_version == CONSENT_TEXTS[kind].version
    assert rows[ConsentKind.OVERSEAS_TRANSFER].text_version == "overseas_transfer/2027-02"


def test_reference_is_track_cycle_sequence_counted_per_cycle(applicant):
    cycle = cycle_for(track=Track.OPEN_INNOVATION, code="2027R1")
    other_cycle = cycle_for(track=Track.STARTUP_SUPPORT, code="2027R1")

    first = submitted_application(cycle=cycle)
    second = submitted_application(cycle=cycle)
    elsewhere = submitted_application(cycle=other_cycle)

    assert first.reference == "OI-2027R1-0001"
    assert second.reference == "OI-2027R1-0002"
    assert elsewhere.reference == "SS-2027R1-0001"


def test_reference_continues_after_a_withdrawn_application(applicant):
    cycle = cycle_for(track=Track.JOINT_RND, code="2027R2")
    first = submitted_application(user=applicant, cycle=cycle)
    services.application_withdraw(application=first, actor=applicant)

    again = submitted_application(user=applicant, company=first.company, cycle=cycle)

    first.refresh_from_db()
    assert (first.reference, again.reference) == ("JR-2027R2-0001", "JR-2027R2-0002")


def test_reference_is_unique_in_the_database():
    first = submitted_application()

    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.filter(pk=submitted_application().pk).update(reference=first.reference)


def test_reference_is_zero_padded_to_four_digits_and_grows_past_9999():
    cycle = cycle_for(code="2027R1")
    Application.objects.filter(pk=submitted_application(cycle=cycle).pk).update(sequence=9999)

    assert submitted_application(cycle=cycle).reference == "SS-2027R1-10000"


# --- Documents --------------------------------------------------------------------------------


def test_upload_stores_under_an_unguessable_name_with_size_and_hash(applicant):
    import hashlib

    application = draft_application(user=applicant)
    upload = pdf_upload("Business plan (final) 사업계획서.pdf")
    content = upload.read()
    upload.seek(0)

    document = services.document_upload(
        application=application, actor=applicant, kind=DocumentKind.BUSINESS_PLAN, file=upload
    )

    assert re.fullmatch(r"documents/[0-9a-f]{32}\.pdf", document.file.name)
    assert document.original_name == "Business plan (final) 사업계획서.pdf"
    assert document.size == len(content)
    assert document.sha256 == hashlib.sha256(content).hexdigest()
    assert document.uploaded_by == applicant
    with document.file.open("rb") as stored:
        assert stored.read() == content


def test_upload_of_the_same_kind_replaces_and_deletes_the_old_file(
    applicant, django_capture_on_commit_callbacks
):
    application = draft_application(user=applicant)
    old = services.document_upload(
        application=application,
        actor=applicant,
        kind=DocumentKind.PITCH_DECK,
        file=pdf_upload("v1.pdf"),
    )
    storage, old_name = old.file.storage, old.file.name

    with django_capture_on_commit_callbacks(execute=True):
        new = services.document_upload(
            application=application,
            actor=applicant,
            kind=DocumentKind.PITCH_DECK,
            file=pdf_upload("v2.pdf"),
        )

    assert list(application.documents.values_list("pk", "original_name")) == [(new.pk, "v2.pdf")]
    assert not storage.exists(old_name)
    assert storage.exists(new.file.name)


def test_upload_of_other_documents_keeps_several(applicant):
    application = draft_application(user=applicant)
    for name in ("a.pdf", "b.pdf"):
        services.document_upload(
            application=application, actor=applicant, kind=DocumentKind.OTHER, file=pdf_upload(name)
        )

    assert application.documents.filter(kind=DocumentKind.OTHER).count() == 2


def test_upload_of_a_renamed_png_is_refused_and_nothing_stored(applicant, settings):
    application = draft_application(user=applicant)

    with pytest.raises(ValidationError):
        services.document_upload(
            application=application,
            actor=applicant,
            kind=DocumentKind.BUSINESS_PLAN,
            file=pdf_upload("plan.pdf", content=b"\x89PNG\r\n\x1a\n" + b"\x00" * 50),
        )

    assert not Document.objects.exists()
    documents_dir = settings.MEDIA_ROOT / "documents"
    assert not documents_dir.exists() or not any(documents_dir.iterdir())


@pytest.mark.parametrize("service", ["upload", "delete"])
def test_documents_are_frozen_after_submission(applicant, service):
    application = submitted_application(user=applicant)
    document = application.documents.get()

    with pytest.raises(services.NotEditable):
        if service == "upload":
            services.document_upload(
                application=application, actor=applicant, kind=DocumentKind.OTHER, file=pdf_upload()
            )
        else:
            services.document_delete(document=document, actor=applicant)
    assert application.documents.count() == 1


def test_document_delete_removes_row_and_file(applicant, django_capture_on_commit_callbacks):
    application = draft_application(user=applicant)
    document = services.document_upload(
        application=application, actor=applicant, kind=DocumentKind.OTHER, file=pdf_upload()
    )
    storage, name = document.file.storage, document.file.name

    with django_capture_on_commit_callbacks(execute=True):
        services.document_delete(document=document, actor=applicant)

    assert not application.documents.exists()
    assert not storage.exists(name)


# --- What the company sees -------------------------------------------------------------------


@pytest.mark.parametrize(
    "phase", [CyclePhase.OPEN, CyclePhase.CLOSED, CyclePhase.REVIEW, CyclePhase.DECIDED]
)
@pytest.mark.parametrize("status", [S.SELECTED, S.WAITLISTED, S.REJECTED])
def test_outcome_reads_under_review_until_announced(status, phase):
    application = Application(status=status, cycle=Cycle(phase=phase))

    assert applicant_status(application) == S.UNDER_REVIEW


@pytest.mark.parametrize("phase", [CyclePhase.ANNOUNCED, CyclePhase.ARCHIVED])
@pytest.mark.parametrize("status", [S.SELECTED, S.WAITLISTED, S.REJECTED, S.INELIGIBLE])
def test_outcome_shown_once_announced(status, phase):
    assert applicant_status(Application(status=status, cycle=Cycle(phase=phase))) == status


@pytest.mark.parametrize(
    "phase", [CyclePhase.OPEN, CyclePhase.CLOSED, CyclePhase.REVIEW, CyclePhase.ANNOUNCED]
)
def test_ineligible_is_shown_at_once(phase):
    application = Application(status=S.INELIGIBLE, cycle=Cycle(phase=phase))

    assert applicant_status(application) == S.INELIGIBLE


@pytest.mark.parametrize("status", [S.DRAFT, S.SUBMITTED, S.UNDER_REVIEW, S.WITHDRAWN])
def test_non_outcome_statuses_are_shown_as_they_are(status):
    assert (
        applicant_status(Application(status=status, cycle=Cycle(phase=CyclePhase.REVIEW))) == status
    )


# --- Companies and teams ---------------------------------------------------------------------

COMPANY_DATA = {
    "name_ko": "한빛셀",
    "name_en": "Hanbit Cell",
    "business_number": "124-81-00998",
    "founded_on": timezone.now().date() - timedelta(days=900),
    "employees": 8,
    "field": "cell_therapy",
    "website": "",
    "representative": "Kim Min-ji",
    "address": "Seoul",
    "description": "CAR-NK.",
}


def test_company_create_makes_the_creator_its_owner(applicant):
    company = services.company_create(actor=applicant, data=COMPANY_DATA)

    assert company.business_number == "1248100998"
    assert list(company.memberships.values_list("user", "role")) == [
        (applicant.pk, MembershipRole.OWNER)
    ]


def test_company_business_number_is_unique(applicant, other_applicant):
    services.company_create(actor=applicant, data=COMPANY_DATA)

    with pytest.raises(ValidationError) as error:
        services.company_create(
            actor=other_applicant, data={**COMPANY_DATA, "business_number": "1248100998"}
        )

    assert "business_number" in error.value.message_dict


def test_company_with_a_bad_check_digit_is_refused(applicant):
    with pytest.raises(ValidationError) as error:
        services.company_create(
            actor=applicant, data={**COMPANY_DATA, "business_number": "1248100999"}
        )

    assert "business_number" in error.value.message_dict


def test_database_refuses_two_owners():
    company = CompanyFactory(owner=UserFactory())

    with pytest.raises(IntegrityError), transaction.atomic():
        MembershipFactory(company=company, role=MembershipRole.OWNER)


def test_invitation_is_emailed_with_its_link(applicant, django_capture_on_commit_callbacks):
    company = CompanyFactory(owner=applicant, name_en="Hanbit Cell")

    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invitation_create(
            company=company, actor=applicant, email="New@Example.com"
        )

    assert invitation.email == "new@example.com"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new@example.com"]
    assert "Hanbit Cell" in message.subject
    assert f"/invitations/{invitation.token}/" in message.body


def test_invitation_only_by_the_owner(applicant):
    company = CompanyFactory(owner=applicant)
    member = MembershipFactory(company=company).user

    with pytest.raises(PermissionDenied):
        services.invitation_create(company=company, actor=member, email="x@example.com")


def test_invitation_of_an_existing_member_is_refused(applicant):
    company = CompanyFactory(owner=applicant)
    member = MembershipFactory(company=company, user=UserFactory(email="m@example.com")).user

    with pytest.raises(ValidationError):
        services.invitation_create(company=company, actor=applicant, email=member.email)


def test_invitation_accepted_by_the_invited_verified_address(applicant):
    company = CompanyFactory(owner=applicant)
    invitation = services.invitation_create(
        company=company, actor=applicant, email="new@example.com"
    )
    invited = UserFactory(email="new@example.com")

    membership = services.invitation_accept(invitation=invitation, actor=invited)

    assert (membership.user, membership.role) == (invited, MembershipRole.MEMBER)
    invitation.refresh_from_db()
    assert invitation.accepted_by == invited and invitation.accepted_at is not None


def test_invitation_refused_to_another_address(applicant, other_applicant):
    invitation = services.invitation_create(
        company=CompanyFactory(owner=applicant), actor=applicant, email="new@example.com"
    )

    with pytest.raises(PermissionDenied):
        services.invitation_accept(invitation=invitation, actor=other_applicant)
    assert not Membership.objects.filter(user=other_applicant).exists()


def test_invitation_refused_to_an_unverified_address(applicant):
    invitation = services.invitation_create(
        company=CompanyFactory(owner=applicant), actor=applicant, email="new@example.com"
    )
    unverified = UserFactory(email="new@example.com", verified=False)

    with pytest.raises(PermissionDenied):
        services.invitation_accept(invitation=invitation, actor=unverified)


def test_invitation_refused_when_expired_or_used(applicant):
    invitation = services.invitation_create(
        company=CompanyFactory(owner=applicant), actor=applicant, email="new@example.com"
    )
    invited = UserFactory(email="new@example.com")

    with pytest.raises(ValidationError) as expired:
        services.invitation_accept(
            invitation=invitation, actor=invited, now=invitation.expires_at + timedelta(seconds=1)
        )
    services.invitation_accept(invitation=invitation, actor=invited)
    with pytest.raises(ValidationError) as used:
        services.invitation_accept(invitation=invitation, actor=invited)

    assert (expired.value.code, used.value.code) == ("expired", "used")


def test_new_invitation_replaces_the_open_one(applicant):
    company = CompanyFactory(owner=applicant)
    first = services.invitation_create(company=company, actor=applicant, email="new@example.com")

    second = services.invitation_create(company=company, actor=applicant, email="new@example.com")

    assert list(Invitation.objects.values_list("pk", flat=True)) == [second.pk]
    assert first.token != second.token


def test_owner_removes_a_member_who_then_loses_access(applicant):
    application = draft_application(user=applicant)
    membership = MembershipFactory(company=application.company)

    services.membership_remove(membership=membership, actor=applicant)

    with pytest.raises(PermissionDenied):
        services.application_update(
            application=application, actor=membership.user, data={"title": "x"}, expected_version=1
        )


def test_member_cannot_remove_and_owner_cannot_be_removed(applicant):
    company = CompanyFactory(owner=applicant)
    member = MembershipFactory(company=company)
    owner_membership = company.memberships.get(role=MembershipRole.OWNER)

    with pytest.raises(PermissionDenied):
        services.membership_remove(membership=owner_membership, actor=member.user)
    with pytest.raises(ValidationError):
        services.membership_remove(membership=owner_membership, actor=applicant)
    assert company.memberships.count() == 2


def test_business_number_factory_numbers_are_valid():
    from applications.validators import validate_business_number

    for n in range(50):
        validate_business_number(business_number(n))


def test_superuser_counts_as_manager_but_other_programs_manager_does_not():
    application = submitted_application(track=Track.OPEN_INNOVATION)
    outsider = ProgramManagerFactory(programs=[]).user

    with pytest.raises(PermissionDenied):
        services.application_screen(application=application, actor=outsider, eligible=True)
    services.application_screen(
        application=application, actor=UserFactory(is_superuser=True), eligible=True
    )
    assert application.status == S.UNDER_REVIEW


# --- Companies and teams: the refusals --------------------------------------------------------


def test_company_update_refuses_someone_outside_the_company(applicant, other_applicant):
    company = CompanyFactory(owner=applicant, name_en="Kept")

    with pytest.raises(PermissionDenied, match="not a member of this company"):
        services.company_update(company=company, actor=other_applicant, data={"name_en": "X"})

    company.refresh_from_db()
    assert company.name_en == "Kept"


def test_only_the_owner_invites_and_a_member_is_not_invited_again(applicant):
    company = CompanyFactory(owner=applicant)
    member = MembershipFactory(company=company).user

    with pytest.raises(PermissionDenied, match="Only the company's owner can invite"):
        services.invitation_create(company=company, actor=member, email="new@example.com")
    with pytest.raises(ValidationError, match="already a member of this company"):
        services.invitation_create(company=company, actor=applicant, email=member.email.upper())

    assert not Invitation.objects.exists()


def test_an_invitation_is_used_once_and_expires(applicant, other_applicant):
    company = CompanyFactory(owner=applicant)
    invitation = services.invitation_create(
        company=company, actor=applicant, email=other_applicant.email
    )
    services.invitation_accept(invitation=invitation, actor=other_applicant)
    later = services.invitation_create(company=company, actor=applicant, email="late@example.com")
    late_user = UserFactory(email="late@example.com")

    with pytest.raises(ValidationError, match="already been used") as used:
        services.invitation_accept(invitation=invitation, actor=other_applicant)
    with pytest.raises(ValidationError, match="has expired") as expired:
        services.invitation_accept(
            invitation=later, actor=late_user, now=timezone.now() + timedelta(days=365)
        )

    assert (used.value.code, expired.value.code) == ("used", "expired")
    assert not company.memberships.filter(user=late_user).exists()


def test_only_the_owner_removes_members_and_never_the_owner(applicant):
    company = CompanyFactory(owner=applicant)
    member = MembershipFactory(company=company)
    owner = company.memberships.get(user=applicant)

    with pytest.raises(PermissionDenied, match="Only the company's owner can remove"):
        services.membership_remove(membership=owner, actor=member.user)
    with pytest.raises(ValidationError, match="owner cannot be removed"):
        services.membership_remove(membership=owner, actor=applicant)

    assert company.memberships.count() == 2
