"""How applications take part in running a call (``programs.signals``): companies with
drafts are told when the closing date moves, the confirmation pages count the drafts and
the people concerned, and a call cannot be reopened once screening started."""

from django.contrib.auth import get_user_model
from django.db.models import Count
from django.dispatch import receiver
from django.utils.translation import ngettext

from notifications.enums import NotificationKind
from notifications.services import Event, notify_many
from programs import signals

from .enums import ApplicationStatus
from .models import Application, Membership

S = ApplicationStatus
# Statuses that only screening produces: once one exists, screening has started.
SCREENED = frozenset({S.UNDER_REVIEW, S.INELIGIBLE, S.SELECTED, S.WAITLISTED, S.REJECTED})


def drafts_of(cycle):
    return Application.objects.filter(cycle=cycle, status=S.DRAFT)


def draft_audience(cycle) -> tuple[int, int, int]:
    """(drafts, their companies, the active members of those companies) of ``cycle``."""
    drafts = drafts_of(cycle)
    companies = drafts.values("company_id").distinct()
    people = (
        get_user_model()
        .objects.filter(memberships__company__in=companies, is_active=True)
        .distinct()
        .count()
    )
    return drafts.count(), companies.count(), people


@receiver(signals.deadline_changed, dispatch_uid="applications_deadline_changed")
def tell_drafts(sender, cycle, old, new, early, actor, **kwargs) -> int:
    """Each company with a draft is told the new closing date, in each member's language.
    Returns how many people were notified."""
    drafts = list(drafts_of(cycle).select_related("company", "cycle__program"))
    members: dict[int, list] = {draft.company_id: [] for draft in drafts}
    for membership in Membership.objects.filter(
        company_id__in=members, user__is_active=True
    ).select_related("user"):
        members[membership.company_id].append(membership.user)
    created = notify_many(
        kind=NotificationKind.CALL_DEADLINE_CHANGED,
        events=[
            Event(
                target=draft,
                recipients=members[draft.company_id],
                context={"old": old, "new": new, "early": early},
                event_key=f"deadline:{new:%Y%m%d%H%M}",
            )
            for draft in drafts
        ],
        actor=actor,
    )
    return len(created)


@receiver(signals.setting_locks, dispatch_uid="applications_setting_locks")
def setting_locks(sender, cycle, **kwargs) -> dict[str, str]:
    screened = Application.objects.filter(cycle=cycle, status__in=SCREENED).count()
    if not screened:
        return {}
    return {
        "reopen": ngettext(
            "Screening has started (%(count)d application screened): the call can no longer "
            "be reopened.",
            "Screening has started (%(count)d applications screened): the call can no longer "
            "be reopened.",
            screened,
        )
        % {"count": screened}
    }


@receiver(signals.phase_consequences, dispatch_uid="applications_phase_consequences")
def phase_consequences(sender, cycle, action, **kwargs) -> list[str]:
    """The sentences a phase's confirmation page shows about applications and drafts.

    Over 60 lines on purpose: each sentence is a full ``ngettext`` pair, written out so
    that translators see whole sentences.
    """
    counts = dict(
        Application.objects.filter(cycle=cycle)
        .values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    if action in ("close", "extend", "reopen"):
        drafts, companies, people = draft_audience(cycle)
        audience = {"drafts": drafts, "companies": companies, "people": people}
        sentences = []
        if action == "close":
            sentences.append(
                ngettext(
                    "%(drafts)d draft can no longer be submitted;",
                    "%(drafts)d drafts can no longer be submitted;",
                    drafts,
                )
                % audience
                + " "
                + ngettext(
                    "%(people)d member of %(companies)d companies will be e-mailed.",
                    "%(people)d members of %(companies)d companies will be e-mailed.",
                    people,
                )
                % audience
            )
            sentences.append(
                ngettext(
                    "%(count)d submitted application goes to screening.",
                    "%(count)d submitted applications go to screening.",
                    counts.get(S.SUBMITTED, 0),
                )
                % {"count": counts.get(S.SUBMITTED, 0)}
            )
        else:
            sentences.append(
                ngettext(
                    "%(drafts)d draft can be submitted until the new closing date;",
                    "%(drafts)d drafts can be submitted until the new closing date;",
                    drafts,
                )
                % audience
                + " "
                + ngettext(
                    "%(people)d member of %(companies)d companies will be e-mailed.",
                    "%(people)d members of %(companies)d companies will be e-mailed.",
                    people,
                )
                % audience
            )
        return sentences
    if action == "start-review":
        return [
            ngettext(
                "%(count)d submitted application awaits screening.",
                "%(count)d submitted applications await screening.",
                counts.get(S.SUBMITTED, 0),
            )
            % {"count": counts.get(S.SUBMITTED, 0)},
            ngettext(
                "%(count)d draft was never submitted and will not be reviewed.",
                "%(count)d drafts were never submitted and will not be reviewed.",
                counts.get(S.DRAFT, 0),
            )
            % {"count": counts.get(S.DRAFT, 0)},
        ]
    return []
