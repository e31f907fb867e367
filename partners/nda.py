"""The confidentiality agreement (NDA) a partner user accepts, per call, before any proposal
of the call opens for them.

Like the evaluator pledge: what is recorded is *who* accepted it, for *which* call, *when*,
and the *version* of the wording (``NdaAcceptance.text_version``). A change of wording is a
new version: bump ``NDA_VERSION``; acceptances of an older version stay valid for their call.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

NDA_VERSION = "2027-03"


@dataclass(frozen=True)
class NdaText:
    version: str
    title: Promise
    introduction: Promise
    duties: tuple[tuple[Promise, Promise], ...]
    agreement: Promise


NDA = NdaText(
    version=NDA_VERSION,
    title=_("Confidentiality agreement"),
    introduction=_(
        "Korean companies have agreed to let you read their proposals to your challenge or "
        "technology. Before you see any proposal of this call, please read and accept the "
        "following."
    ),
    duties=(
        (
            _("Confidentiality"),
            _(
                "I will keep the proposals and their documents confidential, use them only to "
                "tell the program managers our interest, and not copy or share them outside "
                "the people of our organisation who accepted this agreement."
            ),
        ),
        (
            _("No contact before the results"),
            _(
                "I will not contact any company about its proposal before the results are "
                "announced; the portal gives both sides each other's contact person then."
            ),
        ),
        (
            _("Declaring interests"),
            _(
                "I will declare a conflict (for example an investment in a company) as soon "
                "as I know of it; the company's proposals are then hidden from us."
            ),
        ),
    ),
    agreement=_("I have read this agreement and accept it for this call."),
)
