"""Demo companies and applications: the demo applicant's company (no application yet, so
the journey can be tried), and fictional companies with submitted applications in each
open cycle, created through the services so that reviewers and managers have work."""

import io
from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter

from accounts.demo import demo_user
from accounts.models import User
from common.demo import DemoLogin, upsert
from programs.enums import CyclePhase, Field, Track
from programs.models import Cycle

from . import services
from .enums import LIVE, ConsentKind, DevelopmentStage, MembershipRole
from .models import Application, Company, Membership

DEMO_PASSWORD = "demo-applicant-2027"

# (business number, Korean name, English name, field, owner e-mail, owner name). The numbers
# are made up (valid check digits, no real company's).
COMPANIES = [
    (
        "1018612346",
        "한빛셀테라퓨틱스 (가상)",
        "Hanbit Cell Therapeutics (fictional)",
        Field.CELL_THERAPY,
        "applicant@demo.mou-portal.example",
        "Kim Min-ji (applicant)",
    ),
    (
        "3148700012",
        "누리진 (가상)",
        "Nurigene Inc. (fictional)",
        Field.GENE_THERAPY,
        "ceo@nurigene.demo.mou-portal.example",
        "Park Seo-jun (Nurigene)",
    ),
    (
        "5098724683",
        "다온재생의학 (가상)",
        "Daon Regenerative Medicine (fictional)",
        Field.REGENERATIVE_MEDICINE,
        "ceo@daon.demo.mou-portal.example",
        "Choi Ha-eun (Daon)",
    ),
    (
        "6038113579",
        "코어헬스AI (가상)",
        "CoreHealth AI (fictional)",
        Field.ICT,
        "ceo@corehealth.demo.mou-portal.example",
        "Jung Woo-jin (CoreHealth AI)",
    ),
]

# Which demo companies have a submitted application in each track's open cycle.
SUBMITTED = {
    Track.STARTUP_SUPPORT: ["3148700012", "5098724683"],
    Track.JOINT_RND: ["3148700012", "5098724683"],
    Track.OPEN_INNOVATION: ["6038113579", "3148700012"],
}

TRACK_ANSWERS = {
    Track.STARTUP_SUPPORT: {
        "biotech_field": Field.GENE_THERAPY.value,
        "development_stage": DevelopmentStage.PRECLINICAL.value,
        "ipark_needs": "Access to iPark's vector core facility and a Japanese CRO for GLP "
        "toxicology.",
        "clinical_plan": "GLP toxicology in 2027, investigator-initiated first-in-human study "
        "at a Kanagawa hospital in 2028.",
    },
    Track.JOINT_RND: {
        "collaboration_plan": "Twelve months of joint optimisation at the holder's lab and ours, "
        "with two researchers exchanged; joint patent filing on improvements.",
    },
    Track.OPEN_INNOVATION: {
        "proposed_solution": "Our validated model flags at-risk participants from routine visit "
        "data, with a site-staff workflow in Japanese and Korean.",
        "poc_plan": "Six months on de-identified historical trial data; success is an AUROC "
        "above 0.8 on the sponsor's hold-out set.",
    },
}


def _pdf(title: str) -> SimpleUploadedFile:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": title})
    buffer = io.BytesIO()
    writer.write(buffer)
    return SimpleUploadedFile(f"{title}.pdf", buffer.getvalue(), "application/pdf")


def _company(number, name_ko, name_en, field, email, owner_name) -> Company:
    owner = (
        User.objects.get(email=email)
        if User.objects.filter(email=email).exists()
        else demo_user(email=email, password=DEMO_PASSWORD, display_name=owner_name, language="ko")
    )
    company, _ = upsert(
        Company,
        {"business_number": number},
        {
            "name_ko": name_ko,
            "name_en": name_en,
            "founded_on": date(2019, 5, 2),
            "employees": 18,
            "field": field,
            "website": "",
            "representative": owner_name.split(" (")[0],
            "address": "Pangyo Techno Valley, Seongnam, Gyeonggi (fictional address)",
            # A company writes its own texts once, for readers in Korea and Japan alike.
            "description": f"{name_ko}: 데모용 가상 회사입니다.\n"
            f"{name_en}: a fictional company for the demo.\n"
            f"{name_en}：デモ用の架空の会社です。",
            "created_by": owner,
        },
    )
    upsert(Membership, {"company": company, "user": owner}, {"role": MembershipRole.OWNER})
    return company


def _submit(company: Company, cycle: Cycle) -> None:
    if Application.objects.filter(company=company, cycle=cycle, status__in=LIVE).exists():
        return
    if not cycle.is_accepting_applications():
        return
    owner = company.memberships.get(role=MembershipRole.OWNER).user
    application, _ = services.application_start(company=company, cycle=cycle, actor=owner)
    track = cycle.program.track
    answers = {
        "title": f"{company.name_en.split(' (')[0]} × iPark: {cycle.program.name}",
        "summary": "A fictional project written for the demo of the MOU Portal.",
        "team": "Founder-CEO (PhD, 12 years in industry), CSO, six researchers.",
        "budget_krw": 250_000_000,
        "timeline": "Months 1–3 set-up at iPark; months 4–12 main work; month 12 report.",
        **TRACK_ANSWERS[track],
    }
    if track == Track.JOINT_RND:
        answers["technology"] = cycle.technologies.order_by("title").first()
    if track == Track.OPEN_INNOVATION:
        answers["challenge"] = cycle.challenges.order_by("title").first()
    services.application_update(
        application=application, actor=owner, data=answers, expected_version=application.version
    )
    for kind in cycle.required_document_kinds:
        services.document_upload(
            application=application, actor=owner, kind=kind, file=_pdf(f"{kind}-{company.pk}")
        )
    services.application_submit(application=application, actor=owner, consents=ConsentKind.values)


def seed() -> list[DemoLogin]:
    companies = {spec[0]: _company(*spec) for spec in COMPANIES}
    for track, numbers in SUBMITTED.items():
        cycle = (
            Cycle.objects.filter(program__track=track, phase=CyclePhase.OPEN)
            .order_by("-opens_at")
            .first()
        )
        if cycle is None:
            continue
        for number in numbers:
            _submit(companies[number], cycle)
    return []
