"""The evaluator pledge a reviewer accepts, per cycle, before any application of the cycle
opens for them.

The text is the same for every cycle; what is recorded is *which* cycle it was accepted
for, *when*, and the *version* of the wording (``PledgeAcceptance.text_version``). A change
of wording is a new version: bump ``PLEDGE_VERSION``. Acceptances of an older version stay
valid for their cycle (the reviewer agreed to what was in force then).
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

PLEDGE_VERSION = "2027-01"


@dataclass(frozen=True)
class PledgeText:
    version: str
    title: Promise
    introduction: Promise
    duties: tuple[tuple[Promise, Promise], ...]
    agreement: Promise


PLEDGE = PledgeText(
    version=PLEDGE_VERSION,
    title=_("Evaluator pledge"),
    introduction=_(
        "You are about to review applications to a program run jointly by the Korean Ministry "
        "of SMEs and Startups (MSS) and Shonan Health Innovation Park (iPark). Before you see "
        "any application of this call, please read and accept the following."
    ),
    duties=(
        (
            _("Confidentiality"),
            _(
                "I will keep everything I read in the applications, their documents and the "
                "other reviewers' reviews confidential. I will use it only to review, will not "
                "copy or share it, and will not keep it after the review is over."
            ),
        ),
        (
            _("No contact with applicants"),
            _(
                "I will not contact any applicant about their application, in any way, during "
                "the review or before the results are announced; if an applicant contacts me, "
                "I will tell the program manager."
            ),
        ),
        (
            _("Duty to declare interests"),
            _(
                "I will declare any conflict of interest — a financial interest, a family or "
                "close personal tie, a current or recent employment, advisory or competing role "
                "— with a company whose application I am asked to review, and decline that "
                "application. If I recognise a company in a blind review, I will declare it."
            ),
        ),
        (
            _("Fair judgement"),
            _(
                "I will judge each application only on its merits, against the published "
                "rubric, and write comments to the applicant that are respectful and useful."
            ),
        ),
    ),
    agreement=_("I have read this pledge and I accept it for this call."),
)
