"""Factories of the applications domain, and helpers that build applications through the
services (so the state machine is never bypassed)."""

import io
from datetime import date

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter

from applications import services
from applications.enums import ConsentKind, DevelopmentStage, MembershipRole
from applications.models import Application, Company, Membership
from applications.validators import business_number_check_digit
from programs.enums import Field, Track

from .accounts import UserFactory
from .programs import ChallengeFactory, TechnologyFactory, open_cycle, program_for


def business_number(n: int) -> str:
    """A valid, distinct business registration number for each ``n``."""
    first_nine = f"{(100_000_000 + n * 7919) % 1_000_000_000:09d}"
    return first_nine + str(business_number_check_digit(first_nine))


class CompanyFactory(factory.django.DjangoModelFactory):
    """A company; pass ``owner=user`` to give it an owner membership."""

    class Meta:
        model = Company
        skip_postgeneration_save = True

    name_ko = factory.Sequence(lambda n: f"테스트 바이오 {n}")
    name_en = factory.Sequence(lambda n: f"Test Bio {n}")
    business_number = factory.Sequence(business_number)
    founded_on = date(2020, 3, 1)
    employees = 12
    field = Field.CELL_THERAPY
    website = "https://example.com"
    representative = "Kim Representative"
    address = "1 Example-ro, Seoul"
    description = "A fictional company for tests."

    @factory.post_generation
    def owner(self, create, extracted, **kwargs):
        if create and extracted is not None:
            Membership.objects.create(company=self, user=extracted, role=MembershipRole.OWNER)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    company = factory.SubFactory(CompanyFactory)
    user = factory.SubFactory(UserFactory)
    role = MembershipRole.MEMBER


def pdf_bytes(pages: int = 1) -> bytes:
    """A real, tiny PDF made with pypdf."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_upload(name: str = "plan.pdf", content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes() if content is None else content, "application/pdf")


TRACK_ANSWERS = {
    Track.STARTUP_SUPPORT: {
        "biotech_field": Field.CELL_THERAPY.value,
        "development_stage": DevelopmentStage.PRECLINICAL.value,
        "ipark_needs": "GMP cell processing lab and a Japanese CRO partner.",
        "clinical_plan": "First-in-human study at two Kanagawa sites in 2028.",
    },
    Track.JOINT_RND: {"collaboration_plan": "Joint optimisation of the medium, 18 months."},
    Track.OPEN_INNOVATION: {
        "proposed_solution": "A federated model of drop-out risk.",
        "poc_plan": "Six months on de-identified trial data.",
    },
}
PROJECT_ANSWERS = {
    "title": "Off-the-shelf CAR-NK for solid tumours",
    "summary": "We engineer NK cells that home to solid tumours.",
    "team": "Dr. Kim (CSO), 12 scientists.",
    "budget_krw": 300_000_000,
    "timeline": "Preclinical package by Q4, IND in 18 months.",
}


def cycle_for(track: str = Track.STARTUP_SUPPORT, **kwargs):
    """An open cycle of ``track`` requiring a business plan, with one technology or
    challenge on offer for the tracks that need one."""
    kwargs.setdefault("required_document_kinds", ["business_plan"])
    cycle = open_cycle(program=program_for(track), **kwargs)
    if track == Track.JOINT_RND:
        cycle.technologies.add(TechnologyFactory())
    if track == Track.OPEN_INNOVATION:
        cycle.challenges.add(ChallengeFactory())
    return cycle


def draft_application(*, user=None, company=None, cycle=None, track=None) -> Application:
    """An empty draft started through the service by a member (created if not given)."""
    if cycle is None:
        cycle = cycle_for(track or Track.STARTUP_SUPPORT)
    if company is None:
        user = user or UserFactory()
        company = CompanyFactory(owner=user)
    user = user or company.memberships.get(role=MembershipRole.OWNER).user
    application, _ = services.application_start(company=company, cycle=cycle, actor=user)
    return application


def complete_application(application: Application, *, user=None) -> Application:
    """Fill every answer and upload every required document, through the services."""
    user = user or application.company.memberships.get(role=MembershipRole.OWNER).user
    track = application.track
    answers = {**PROJECT_ANSWERS, **TRACK_ANSWERS[track]}
    if track == Track.JOINT_RND:
        answers["technology"] = application.cycle.technologies.first()
    if track == Track.OPEN_INNOVATION:
        answers["challenge"] = application.cycle.challenges.first()
    services.application_update(
        application=application, actor=user, data=answers, expected_version=application.version
    )
    for kind in application.cycle.required_document_kinds:
        services.document_upload(
            application=application, actor=user, kind=kind, file=pdf_upload(f"{kind}.pdf")
        )
    return application


def submitted_application(*, user=None, company=None, cycle=None, track=None, now=None):
    """A complete application submitted with both consents."""
    application = draft_application(user=user, company=company, cycle=cycle, track=track)
    user = user or application.company.memberships.get(role=MembershipRole.OWNER).user
    complete_application(application, user=user)
    return services.application_submit(
        application=application, actor=user, consents=ConsentKind.values, now=now
    )


__all__ = [
    "PROJECT_ANSWERS",
    "TRACK_ANSWERS",
    "CompanyFactory",
    "MembershipFactory",
    "business_number",
    "complete_application",
    "cycle_for",
    "draft_application",
    "pdf_bytes",
    "pdf_upload",
    "submitted_application",
]
