"""The consent texts an applicant agrees to before submitting, with their versions.

Korea's PIPA (art. 15 and 17, 28-8) and Japan's APPI ask for the purpose, the items
collected, the retention period and the right to refuse; a transfer abroad needs its own
consent naming the recipient, its country and what it does with the data. A change of
wording is a new version: bump ``CONSENT_VERSION`` so that the version each applicant
agreed to stays on record (``Consent.text_version``).
"""

from dataclasses import dataclass
from datetime import date

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .enums import ConsentKind

CONSENT_VERSION = "2027-02"
# The date of the wording, shown to applicants (the version code is for the record).
CONSENT_DATE = date(2027, 2, 1)
# The optional provision to the partner (issue 16) was written later, versioned on its own.
PARTNER_CONSENT_VERSION = "2027-03"


def consent_text_date(text_version: str) -> date | None:
    """``personal_data/2027-02`` → 1 February 2027: when a recorded version was written."""
    try:
        year, month = text_version.rsplit("/", 1)[-1].split("-")[:2]
        return date(int(year), int(month), 1)
    except ValueError:
        return None


def partner_consent_asked(application) -> bool:
    """The optional provision to a partner is asked only of an application that answers a
    challenge or names a technology (there is a partner to provide it to)."""
    return bool(application.challenge_id or application.technology_id)


def consent_kinds_for(application) -> list[str]:
    """The consents shown at submission, in order: the two required, then the optional one
    where it is asked."""
    kinds: list[str] = [ConsentKind.PERSONAL_DATA, ConsentKind.OVERSEAS_TRANSFER]
    if partner_consent_asked(application):
        kinds.append(ConsentKind.PARTNER_PROVISION)
    return kinds


@dataclass(frozen=True)
class ConsentText:
    kind: str
    title: Promise
    items: tuple[tuple[Promise, Promise], ...]
    agreement: Promise
    # Each text may be reworded on its own: its revision is part of its recorded version.
    revision: str = CONSENT_VERSION

    @property
    def version(self) -> str:
        return f"{self.kind}/{self.revision}"

    @property
    def dated(self) -> date:
        return consent_text_date(self.version) or CONSENT_DATE


CONSENT_TEXTS: dict[str, ConsentText] = {
    ConsentKind.PERSONAL_DATA: ConsentText(
        kind=ConsentKind.PERSONAL_DATA,
        title=_("Consent to the collection and use of personal data"),
        items=(
            (
                _("Purpose"),
                _(
                    "To review this application, select companies, contact you about the "
                    "program and manage the support given to selected companies."
                ),
            ),
            (
                _("Items collected"),
                _(
                    "Names, e-mail addresses, job titles and career details of the company "
                    "representative and team members given in the application and documents; "
                    "the accounts' login records."
                ),
            ),
            (
                _("Retention period"),
                _(
                    "Five years after the end of the program cycle, then destroyed, unless a "
                    "law requires longer."
                ),
            ),
            (
                _("Your right to refuse"),
                _(
                    "You may refuse this consent; the application cannot be reviewed without "
                    "it and so cannot be submitted."
                ),
            ),
        ),
        agreement=_("I agree to the collection and use of personal data described above."),
    ),
    ConsentKind.OVERSEAS_TRANSFER: ConsentText(
        kind=ConsentKind.OVERSEAS_TRANSFER,
        title=_("Consent to the transfer of personal data to Japan"),
        items=(
            (
                _("Recipient"),
                _(
                    "Shonan Health Innovation Park (iPark), 2-26-1 Muraoka-Higashi, Fujisawa, "
                    "Kanagawa 251-8555, Japan, and the reviewers it appoints."
                ),
            ),
            (_("Country"), _("Japan")),
            (
                _("When and how"),
                _(
                    "When the application is submitted, through this portal's encrypted "
                    "connection; iPark reviewers read it online."
                ),
            ),
            (
                _("Purpose of the recipient"),
                _("Reviewing the application and running the joint MSS–iPark program."),
            ),
            (_("Items transferred"), _("The application, its documents and the items above.")),
            (
                _("Retention by the recipient"),
                _("Five years after the end of the program cycle, then destroyed."),
            ),
            (
                _("Your right to refuse"),
                _(
                    "You may refuse; every application is reviewed by at least one iPark "
                    "reviewer in Japan, so it cannot be submitted without this consent."
                ),
            ),
        ),
        agreement=_("I agree to the transfer of personal data to iPark in Japan described above."),
    ),
    ConsentKind.PARTNER_PROVISION: ConsentText(
        kind=ConsentKind.PARTNER_PROVISION,
        title=_("Consent to the provision of the proposal to the partner in Japan (optional)"),
        items=(
            (
                _("Recipient"),
                _(
                    "The partner named above: the pharmaceutical company that posed the "
                    "challenge your application answers, or the holder of the technology it "
                    "names, in Japan, and the people of that partner who accepted the call's "
                    "confidentiality agreement."
                ),
            ),
            (_("Country"), _("Japan")),
            (
                _("Purpose of the recipient"),
                _(
                    "Reading the proposal to its own challenge or technology and telling the "
                    "program managers its interest; no score and no part in the selection."
                ),
            ),
            (
                _("Items provided"),
                _(
                    "The answers and documents of the application, the company's name; the "
                    "contact person only if the application is selected."
                ),
            ),
            (
                _("Retention by the recipient"),
                _("Until the end of the program cycle, then destroyed."),
            ),
            (
                _("Your right to refuse"),
                _(
                    "You may refuse: the application is then reviewed as usual, but never shown "
                    "to the partner."
                ),
            ),
        ),
        agreement=_("I agree to the provision of the proposal to the partner described above."),
        revision=PARTNER_CONSENT_VERSION,
    ),
}
