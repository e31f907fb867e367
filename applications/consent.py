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


def consent_text_date(text_version: str) -> date | None:
    """``personal_data/2027-02`` → 1 February 2027: when a recorded version was written."""
    try:
        year, month = text_version.rsplit("/", 1)[-1].split("-")[:2]
        return date(int(year), int(month), 1)
    except ValueError:
        return None


@dataclass(frozen=True)
class ConsentText:
    kind: str
    title: Promise
    items: tuple[tuple[Promise, Promise], ...]
    agreement: Promise

    @property
    def version(self) -> str:
        return f"{self.kind}/{CONSENT_VERSION}"

    @property
    def dated(self) -> date:
        return CONSENT_DATE


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
}
