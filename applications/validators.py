"""Validators of the applications domain: business registration numbers and PDF uploads."""

import re
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from .pdf_safety import pdf_findings

# Weights of the Korean business registration number (사업자등록번호) check digit.
_BRN_WEIGHTS = (1, 3, 7, 1, 3, 7, 1, 3, 5)


def normalize_business_number(value: str) -> str:
    """``124-81-00998`` → ``1248100998``: digits only (spaces and hyphens dropped)."""
    return re.sub(r"[\s-]", "", value or "")


def format_business_number(value: str) -> str:
    """``1248100998`` → ``124-81-00998``, the way it is printed on the certificate."""
    digits = normalize_business_number(value)
    if len(digits) != 10:
        return value
    return f"{digits[:3]}-{digits[3:5]}-{digits[5:]}"


def business_number_check_digit(first_nine: str) -> int:
    """The tenth digit for the nine before it.

    Each digit is multiplied by its weight (1 3 7 1 3 7 1 3 5); the ninth digit's product is
    counted once more with its tens (⌊d₉·5 / 10⌋); the check digit brings the sum up to a
    multiple of ten. Example: 124-81-0099? → 1+6+28+8+3+0+0+27+45 + 4 = 122 → check 8.
    """
    digits = [int(char) for char in first_nine]
    total = sum(digit * weight for digit, weight in zip(digits, _BRN_WEIGHTS, strict=True))
    total += digits[8] * 5 // 10
    return (10 - total % 10) % 10


def validate_business_number(value: str) -> None:
    """Ten digits (hyphens allowed) whose last digit is the check digit of the others."""
    digits = normalize_business_number(value)
    if not re.fullmatch(r"\d{10}", digits):
        raise ValidationError(
            _("Enter the 10-digit business registration number, e.g. 124-81-00998."),
            code="format",
        )
    if business_number_check_digit(digits[:9]) != int(digits[9]):
        raise ValidationError(
            _(
                "This is not a valid business registration number (its check digit does not "
                "match). Please check it against your registration certificate."
            ),
            code="check_digit",
        )


def document_max_bytes() -> int:
    return settings.DOCUMENT_MAX_BYTES


def validate_pdf(file) -> None:
    """A non-empty PDF under the size limit that pypdf can open, judged by its content.

    The name and the browser's content type are ignored: a renamed PNG is refused.
    Password-protected PDFs are refused too, because reviewers could not read them; and so
    are PDFs that could act on a reviewer's machine (JavaScript, launch actions, embedded
    files), have more than ``DOCUMENT_MAX_PAGES`` pages, or inflate to more than
    ``DOCUMENT_MAX_INFLATED_BYTES`` (``applications.pdf_safety``).
    """
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    size = file.size
    if not size:
        raise ValidationError(_("The file is empty. Choose the PDF again."), code="empty")
    limit = document_max_bytes()
    if size > limit:
        raise ValidationError(
            _("The file is %(size)s; documents may be at most %(limit)s. Compress the PDF.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    file.seek(0)
    head = file.read(5)
    file.seek(0)
    if head != b"%PDF-":
        raise ValidationError(
            _("This file is not a PDF (its content is not PDF, whatever its name says)."),
            code="not_pdf",
        )
    try:
        with warnings.catch_warnings():
            # A damaged file makes pypdf warn before it fails; the verdict is what counts.
            warnings.simplefilter("ignore")
            reader = PdfReader(file)
            page_count = len(reader.pages) if not reader.is_encrypted else 0
            if reader.is_encrypted:
                raise ValidationError(
                    _("This PDF is password-protected. Upload it without a password."),
                    code="encrypted",
                )
            findings = pdf_findings(
                reader,
                max_pages=settings.DOCUMENT_MAX_PAGES,
                max_inflated_bytes=settings.DOCUMENT_MAX_INFLATED_BYTES,
            )
        if findings:
            raise ValidationError([_refusal(finding.code, page_count) for finding in findings])
    except ValidationError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        page_count = 0
    finally:
        file.seek(0)
    if not page_count:
        raise ValidationError(
            _("This PDF is damaged or incomplete and cannot be opened. Export it again."),
            code="damaged",
        )


def _refusal(code: str, pages: int) -> ValidationError:
    messages = {
        "javascript": _(
            "This PDF contains JavaScript, which reviewers' PDF readers would run. Export "
            "or print it to a new PDF without scripts and upload that."
        ),
        "launch": _(
            "This PDF contains an action that starts another program. Export or print it "
            "to a plain PDF and upload that."
        ),
        "embedded_file": _(
            "This PDF contains embedded files or attachments. Upload each document as a "
            "PDF of its own instead."
        ),
        "too_many_pages": _("This PDF has %(pages)s pages; documents may have at most %(limit)s.")
        % {"pages": pages, "limit": settings.DOCUMENT_MAX_PAGES},
        "inflates_too_much": _(
            "This PDF unpacks to far more data than its size suggests, so it cannot be "
            "accepted. Export it again from the original document."
        ),
        "too_complex": _(
            "This PDF is too complex to check. Export it again from the original document."
        ),
    }
    return ValidationError(messages[code], code=code)
