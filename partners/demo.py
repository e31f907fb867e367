"""Demo partners: a pharmaceutical sponsor owning the first challenge of the open innovation
call and a technology holder owning the first technology of the joint R&D call, each with
one user (Japanese interface). Their proposals appear once a manager screens them eligible
and the partner user accepts the call's confidentiality agreement."""

from accounts.demo import demo_user
from common.demo import DemoLogin, upsert
from programs.enums import CyclePhase, Track
from programs.models import Cycle

from .enums import PartnerKind
from .models import PartnerEntry, PartnerMembership, PartnerOrganisation

DEMO_PASSWORD = "demo-partner-2027"

# (kind, track, user e-mail, user name, organisation's contact)
PARTNERS = [
    (
        PartnerKind.SPONSOR,
        Track.OPEN_INNOVATION,
        "sponsor@demo.mou-portal.example",
        "Suzuki Haruka (sponsor)",
    ),
    (
        PartnerKind.HOLDER,
        Track.JOINT_RND,
        "holder@demo.mou-portal.example",
        "Tanaka Kenji (holder)",
    ),
]


def seed() -> list[DemoLogin]:
    logins = []
    for kind, track, email, name in PARTNERS:
        cycle = (
            Cycle.objects.filter(program__track=track, phase=CyclePhase.OPEN)
            .order_by("-opens_at")
            .first()
        )
        if cycle is None:
            continue
        if kind == PartnerKind.SPONSOR:
            item = cycle.challenges.order_by("title").first()
            organisation_name = item.company if item else ""
        else:
            item = cycle.technologies.order_by("title").first()
            organisation_name = item.holder if item else ""
        if item is None:
            continue
        partner, _ = upsert(
            PartnerOrganisation,
            {"name": organisation_name, "kind": kind},
            {"contact_name": name.split(" (")[0], "contact_email": email},
        )
        field = "challenge" if kind == PartnerKind.SPONSOR else "technology"
        upsert(PartnerEntry, {field: item}, {"partner": partner})
        user = demo_user(email=email, password=DEMO_PASSWORD, display_name=name, language="ja")
        upsert(PartnerMembership, {"partner": partner, "user": user}, {})
        logins.append(DemoLogin(f"partner ({kind})", email, DEMO_PASSWORD))
    return logins
