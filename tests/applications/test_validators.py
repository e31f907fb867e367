import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter

from applications.validators import (
    business_number_check_digit,
    format_business_number,
    normalize_business_number,
    validate_business_number,
    validate_pdf,
)
from tests.factories import pdf_bytes

# The first bytes of a real PNG file (signature and IHDR chunk).
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    + b"\x00" * 64
)


@pytest.mark.parametrize("value", ["124-81-00998", "1248100998", " 124 81 00998 ", "220-81-62517"])
def test_business_number_valid(value):
    validate_business_number(value)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("124-81-00999", "check_digit"),
        ("124-81-00990", "check_digit"),
        ("124-81-0099", "format"),
        ("124-81-009988", "format"),
        ("12A-81-00998", "format"),
        ("", "format"),
    ],
)
def test_business_number_invalid(value, code):
    with pytest.raises(ValidationError) as error:
        validate_business_number(value)

    assert error.value.code == code


def test_business_number_check_digit_worked_example():
    # 1·1 + 2·3 + 4·7 + 8·1 + 1·3 + 0·7 + 0·1 + 9·3 + 9·5 + ⌊9·5/10⌋ = 122 → 8
    assert business_number_check_digit("124810099") == 8


def test_business_number_normalised_and_formatted():
    assert normalize_business_number("124-81-00998") == "1248100998"
    assert format_business_number("1248100998") == "124-81-00998"


def _upload(content: bytes, name: str = "file.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, "application/pdf")


def _error(content: bytes, name: str = "file.pdf") -> ValidationError:
    with pytest.raises(ValidationError) as error:
        validate_pdf(_upload(content, name))
    return error.value


def test_pdf_real_one_passes():
    validate_pdf(_upload(pdf_bytes(pages=2)))


def test_pdf_renamed_png_is_refused_by_content():
    error = _error(PNG, name="business-plan.pdf")

    assert error.code == "not_pdf"
    assert "not a PDF" in error.messages[0]


def test_pdf_empty_file_is_refused():
    error = _error(b"")

    assert error.code == "empty"
    assert error.messages == ["The file is empty. Choose the PDF again."]


def test_pdf_oversized_file_is_refused_with_the_limit(settings):
    settings.DOCUMENT_MAX_BYTES = 1024
    content = pdf_bytes() + b"%" * 2048

    error = _error(content)

    assert error.code == "too_large"
    assert "at most 1.0\xa0KB" in error.messages[0]


def test_pdf_at_the_limit_passes(settings):
    content = pdf_bytes()
    settings.DOCUMENT_MAX_BYTES = len(content)

    validate_pdf(_upload(content))


def test_pdf_truncated_file_is_refused():
    error = _error(pdf_bytes()[:60])

    assert error.code == "damaged"


def test_pdf_header_followed_by_garbage_is_refused():
    assert _error(b"%PDF-1.7\n" + b"garbage " * 100).code == "damaged"


def test_pdf_password_protected_is_refused():
    writer = PdfWriter()
    writer.add_blank_page(width=100, height=100)
    writer.encrypt("secret")
    buffer = io.BytesIO()
    writer.write(buffer)

    assert _error(buffer.getvalue()).code == "encrypted"


@pytest.mark.parametrize("language", ["en", "ko", "ja"])
def test_business_number_examples_in_help_texts_pass_the_check_digit(language):
    from django.utils import translation

    from applications.forms import CompanyForm
    from applications.models import Company
    from reviews.forms import ConflictForm

    with translation.override(language):
        texts = [
            str(Company._meta.get_field("business_number").help_text),
            str(CompanyForm.base_fields["business_number"].help_text),
            *(str(field.help_text) for field in ConflictForm.base_fields.values()),
            *validate_business_number_messages(),
        ]
    examples = [m for text in texts for m in re.findall(r"\d{3}-\d{2}-\d{5}", text)]
    assert len(examples) >= 3
    for example in examples:
        validate_business_number(example)


def validate_business_number_messages() -> list[str]:
    try:
        validate_business_number("12")
    except ValidationError as error:
        return list(error.messages)
    raise AssertionError("a two-digit number was accepted")
