"""Extension points of the applications app, for the apps built on it.

``applications`` imports no app above it. An app that widens who may see an application
(``reviews``: the assigned reviewers) or that decides applications through its own service
(``reviews``: decisions within the quota and the joint approvals) registers here from its
``AppConfig.ready()``:

- ``register_viewers(ApplicationViewers(...))``: more users who may see applications. The
  named permissions ``applications.view_application``, ``view_document`` and
  ``view_company_identity`` are each the applications app's own rule *or* any registered
  viewer's predicate, read when the permission is checked (so the meaning of a permission
  does not depend on import order), and ``applications_visible_to`` adds the viewers'
  querysets.
- ``register_decider(call)``: the service the admin's "Decide" actions go through.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q


@dataclass(frozen=True)
class ApplicationViewers:
    """A kind of user, beyond the company's members and the program's managers, who may see
    applications. Each predicate takes ``(user, obj)``; ``visibility(user)`` is the same rule
    as ``application`` written as a filter on ``Application`` (tests hold the two against
    each other)."""

    name: str
    application: Callable[..., bool]
    document: Callable[..., bool]
    company_identity: Callable[..., bool]
    visibility: Callable[..., Q]


_viewers: dict[str, ApplicationViewers] = {}
_decider: list[Callable[..., None]] = []


def register_viewers(viewers: ApplicationViewers) -> None:
    """Add a kind of viewer (once per name: registering the same name again replaces it, so
    a second ``ready()`` in tests does not double it)."""
    _viewers[viewers.name] = viewers


def registered_viewers() -> tuple[ApplicationViewers, ...]:
    return tuple(_viewers.values())


def register_decider(call: Callable[..., None]) -> None:
    """The service the admin decides an application through:
    ``call(application=, actor=, decision=)``, raising ``ValidationError`` or
    ``PermissionDenied`` when it refuses."""
    _decider[:] = [call]


def decide(*, application, actor, decision: str) -> None:
    if not _decider:
        raise ImproperlyConfigured("No app registered a decision service (reviews does).")
    _decider[0](application=application, actor=actor, decision=decision)
