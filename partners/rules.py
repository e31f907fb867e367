"""Who may do what in the partners domain (django-rules). The proposals a partner user may
read are decided by ``selectors.proposals_visible_to``; these names wrap it for the pages,
the API and the services."""

import rules

from . import selectors


@rules.predicate
def is_partner_user(user) -> bool:
    return user.is_authenticated and selectors.is_partner_user(user)


@rules.predicate
def can_read_proposal(user, application) -> bool:
    return (
        application is not None
        and selectors.proposals_visible_to(user).filter(pk=application.pk).exists()
    )


@rules.predicate
def manages_partner(user, partner) -> bool:
    return (
        partner is not None and user.is_authenticated and selectors.manages_partner(user, partner)
    )


@rules.predicate
def manages_any_partner(user) -> bool:
    return user.is_authenticated and bool(
        selectors.managed_tracks(user) & set(selectors.TRACK_OF_KIND.values())
    )


rules.add_perm("partners.use_partner_pages", is_partner_user)
rules.add_perm("partners.view_proposal", can_read_proposal)
rules.add_perm("partners.mark_interest", can_read_proposal)
rules.add_perm("partners.manage_partner", manages_partner)
rules.add_perm("partners.manage_partners", manages_any_partner)
