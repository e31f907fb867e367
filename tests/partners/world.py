"""A call of the open innovation program with two sponsors' challenges and proposals in
every situation the partner rules tell apart, built through the services."""

from dataclasses import dataclass

from applications import services as application_services
from applications.enums import REQUIRED_CONSENTS, ConsentKind
from applications.models import Application
from partners.enums import PartnerKind
from partners.models import (
    PartnerConflict,
    PartnerEntry,
    PartnerMembership,
    PartnerOrganisation,
)
from partners.services import nda_accept
from programs.enums import Track
from programs.models import Cycle
from tests.factories import (
    ChallengeFactory,
    UserFactory,
    complete_application,
    cycle_for,
    draft_application,
)


def partner(name: str, kind: str = PartnerKind.SPONSOR, user=None) -> PartnerOrganisation:
    organisation = PartnerOrganisation.objects.create(
        name=name,
        kind=kind,
        contact_name=f"{name} contact",
        contact_email=f"contact@{name.lower().replace(' ', '-')}.example",
    )
    if user is not None:
        PartnerMembership.objects.create(partner=organisation, user=user)
    return organisation


def proposal(
    cycle: Cycle, challenge, *, manager, consent: bool = True, screen: bool = True, title: str = ""
) -> Application:
    application = draft_application(cycle=cycle)
    complete_application(application)
    owner = application.company.memberships.get().user
    data = {"challenge": challenge}
    if title:
        data["title"] = title
    application_services.application_update(
        application=application, actor=owner, data=data, expected_version=application.version
    )
    consents = [*REQUIRED_CONSENTS, *([ConsentKind.PARTNER_PROVISION] if consent else [])]
    application_services.application_submit(application=application, actor=owner, consents=consents)
    if screen:
        application_services.application_screen(
            application=application, actor=manager.user, eligible=True
        )
    application.refresh_from_db()
    return application


@dataclass
class World:
    cycle: Cycle
    sponsor: PartnerOrganisation
    other_sponsor: PartnerOrganisation
    sponsor_user: object
    other_user: object
    own: Application  # consented, screened, to the sponsor's challenge
    own_second: Application
    refusing: Application  # to the sponsor's challenge, without the provision consent
    to_other: Application  # consented, to the other sponsor's challenge
    conflicted: Application  # consented, but the sponsor declared a conflict
    unscreened: Application  # consented, not yet screened


def build_world(manager, *, accept_nda: bool = True) -> World:
    cycle = cycle_for(Track.OPEN_INNOVATION)
    own_challenge = cycle.challenges.get()
    other_challenge = ChallengeFactory(company="Other Pharma")
    cycle.challenges.add(other_challenge)
    sponsor_user = UserFactory(email="sponsor@example.com", preferred_language="ja")
    other_user = UserFactory(email="other.sponsor@example.com", preferred_language="ja")
    sponsor = partner("Example Pharma", user=sponsor_user)
    other_sponsor = partner("Other Pharma", user=other_user)
    PartnerEntry.objects.create(partner=sponsor, challenge=own_challenge)
    PartnerEntry.objects.create(partner=other_sponsor, challenge=other_challenge)
    world = World(
        cycle=cycle,
        sponsor=sponsor,
        other_sponsor=other_sponsor,
        sponsor_user=sponsor_user,
        other_user=other_user,
        own=proposal(cycle, own_challenge, manager=manager, title="First consented proposal"),
        own_second=proposal(cycle, own_challenge, manager=manager, title="Second consented"),
        refusing=proposal(cycle, own_challenge, manager=manager, consent=False, title="Refusing"),
        to_other=proposal(cycle, other_challenge, manager=manager),
        conflicted=proposal(cycle, own_challenge, manager=manager),
        unscreened=proposal(cycle, own_challenge, manager=manager, screen=False),
    )
    PartnerConflict.objects.create(partner=sponsor, company=world.conflicted.company)
    if accept_nda:
        nda_accept(actor=sponsor_user, partner=sponsor, cycle=cycle)
        nda_accept(actor=other_user, partner=other_sponsor, cycle=cycle)
    return world
