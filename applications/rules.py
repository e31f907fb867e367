"""Who may do what with companies, applications and documents (django-rules).

Pages, the API and the services check these named permissions. Apps built on this one
widen ``view_application``, ``view_document`` and ``view_company_identity`` through the
extension point in ``applications.extensions`` (``reviews`` registers its assigned
reviewers there), so that every place already checking these names follows.
"""

import rules

from . import extensions
from .enums import EDITABLE, SENT_IN, STAGED, ApplicationStatus, MembershipRole


def _member_role(user, company) -> str | None:
    """The user's role in the company, or None."""
    if not user.is_authenticated or company is None:
        return None
    return company.memberships.filter(user=user).values_list("role", flat=True).first()


@rules.predicate
def is_company_member(user, company) -> bool:
    return _member_role(user, company) is not None


@rules.predicate
def is_company_owner(user, company) -> bool:
    return _member_role(user, company) == MembershipRole.OWNER


@rules.predicate
def is_application_member(user, application) -> bool:
    return application is not None and _member_role(user, application.company) is not None


@rules.predicate
def is_document_member(user, document) -> bool:
    return document is not None and is_application_member(user, document.application)


def manages_program(user, program_id: int) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    manager = getattr(user, "program_manager", None)
    if manager is None or not manager.is_active:
        return False
    return manager.programs.filter(pk=program_id).exists()


@rules.predicate
def is_cycle_manager(user, application) -> bool:
    """A program manager of the application's program (superusers count as managers).

    A company's draft is its own work in progress: managers see applications once sent in.
    """
    return (
        application is not None
        and application.status in SENT_IN
        and manages_program(user, application.cycle.program_id)
    )


@rules.predicate
def is_document_manager(user, document) -> bool:
    return document is not None and is_cycle_manager(user, document.application)


@rules.predicate
def is_editable(user, application) -> bool:
    return application is not None and application.status in EDITABLE


@rules.predicate
def is_document_editable(user, document) -> bool:
    return document is not None and document.application.status in EDITABLE


@rules.predicate
def is_withdrawable(user, application) -> bool:
    """Not yet decided as far as the company knows: sent in, not withdrawn, and no outcome
    announced (a staged outcome still reads "under review" and may be withdrawn). An
    ineligible application, told at once, may be withdrawn to free the company's place."""
    if application is None or application.status not in SENT_IN:
        return False
    if application.status == ApplicationStatus.WITHDRAWN:
        return False
    if application.status in STAGED:
        return not application.cycle.results_announced
    return True


@rules.predicate
def is_registered_viewer(user, application) -> bool:
    """A viewer registered by another app (``applications.extensions``) may see it."""
    return application is not None and any(
        viewers.application(user, application) for viewers in extensions.registered_viewers()
    )


@rules.predicate
def is_registered_document_viewer(user, document) -> bool:
    return document is not None and any(
        viewers.document(user, document) for viewers in extensions.registered_viewers()
    )


@rules.predicate
def sees_identity_as_registered_viewer(user, application) -> bool:
    return application is not None and any(
        viewers.company_identity(user, application) for viewers in extensions.registered_viewers()
    )


# Named combinations, each widened by the viewers other apps register.
can_view_application = is_application_member | is_cycle_manager
can_view_document = is_document_member | is_document_manager
# The company's names, number, website, representative, address, members and document file
# names; registered viewers may be narrower here (``reviews``: not in a blind cycle).
can_view_company_identity = is_application_member | is_cycle_manager

rules.add_perm("applications.manage_team", is_company_owner)

rules.add_perm("applications.view_application", can_view_application | is_registered_viewer)
rules.add_perm("applications.change_application", is_application_member & is_editable)
rules.add_perm("applications.submit_application", is_application_member & is_editable)
rules.add_perm("applications.delete_application", is_application_member & is_editable)
rules.add_perm("applications.withdraw_application", is_application_member & is_withdrawable)
# Managers see the real status (staged outcomes included) and the whole history.
rules.add_perm("applications.see_real_status", is_cycle_manager)

rules.add_perm("applications.view_document", can_view_document | is_registered_document_viewer)
rules.add_perm(
    "applications.view_company_identity",
    can_view_company_identity | sees_identity_as_registered_viewer,
)
# The company's own page of the application (status history, consents): its members and
# managers only, however far ``view_application`` is extended.
rules.add_perm("applications.view_application_page", can_view_application)
rules.add_perm("applications.change_document", is_document_member & is_document_editable)
# Answers to the call's questions marked for the office only: the company and its
# managers, never the registered viewers (reviewers).
rules.add_perm("applications.view_office_answers", can_view_application)
