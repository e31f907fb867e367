"""Hostile PDFs, generated here with pypdf, are refused with a clear message next to the
file field; the draft keeps everything else (issue 13, item 9)."""

import io
import time
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    StreamObject,
    TextStringObject,
)

from applications.requirements import submission_problems
from tests.factories import complete_application, draft_application, pdf_bytes

pytestmark = pytest.mark.django_db


def _write(writer: PdfWriter) -> bytes:
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _page_writer() -> PdfWriter:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    return writer


def _action(kind: str, **entries) -> DictionaryObject:
    action = DictionaryObject({NameObject("/S"): NameObject(kind)})
    for key, value in entries.items():
        action[NameObject(f"/{key}")] = TextStringObject(value)
    return action


def open_action_javascript() -> bytes:
    writer = _page_writer()
    writer._root_object[NameObject("/OpenAction")] = _action("/JavaScript", JS="app.alert(1)")
    return _write(writer)


def page_aa_javascript() -> bytes:
    writer = _page_writer()
    writer.pages[0][NameObject("/AA")] = DictionaryObject(
        {NameObject("/O"): _action("/JavaScript", JS="this.exportDataObject()")}
    )
    return _write(writer)


def document_javascript() -> bytes:
    """A script in the document's JavaScript name tree (run when the file opens)."""
    writer = _page_writer()
    script = writer._add_object(_action("/JavaScript", JS="app.launchURL('https://evil.example');"))
    names = ArrayObject([TextStringObject("startup"), script])
    writer._root_object[NameObject("/Names")] = DictionaryObject(
        {NameObject("/JavaScript"): DictionaryObject({NameObject("/Names"): names})}
    )
    return _write(writer)


def launch_action() -> bytes:
    writer = _page_writer()
    writer._root_object[NameObject("/OpenAction")] = _action("/Launch", F="calc.exe")
    return _write(writer)


def embedded_file() -> bytes:
    writer = _page_writer()
    writer.add_attachment("payload.exe", b"MZ" + b"\x00" * 100)
    return _write(writer)


def inflating_to_100_mb() -> bytes:
    """About 100 KB on disk, 100 MB once its content stream is inflated."""
    writer = _page_writer()
    compressor = zlib.compressobj(9)
    block = b"\x00" * (1024 * 1024)
    data = b"".join(compressor.compress(block) for _ in range(100)) + compressor.flush()
    stream = StreamObject()
    stream._data = data
    stream[NameObject("/Filter")] = NameObject("/FlateDecode")
    stream[NameObject("/Length")] = NumberObject(len(data))
    writer.pages[0][NameObject("/Contents")] = writer._add_object(stream)
    return _write(writer)


def _upload(client, application, content, kind="business_plan"):
    return client.post(
        reverse("applications:document_upload", kwargs={"pk": application.pk}),
        {"kind": kind, "file": SimpleUploadedFile("plan.pdf", content, "application/pdf")},
    )


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (open_action_javascript, "This PDF contains JavaScript"),
        (page_aa_javascript, "This PDF contains JavaScript"),
        (document_javascript, "This PDF contains JavaScript"),
        (launch_action, "an action that starts another program"),
        (embedded_file, "contains embedded files or attachments"),
    ],
)
def test_active_content_is_refused_and_the_draft_keeps_everything_else(
    client, applicant, make, message
):
    application = complete_application(draft_application(user=applicant))
    before_documents = list(application.documents.values_list("pk", "file"))
    version_before = application.version
    client.force_login(applicant)

    response = _upload(client, application, make(), kind="pitch_deck")

    assert response.status_code == 400
    assert message in response.content.decode()
    assert list(application.documents.values_list("pk", "file")) == before_documents
    application.refresh_from_db()
    assert application.version == version_before
    assert submission_problems(application) == []  # still complete, ready to submit


def test_a_small_pdf_inflating_to_100_mb_is_refused_quickly(client, applicant):
    content = inflating_to_100_mb()
    assert len(content) < 200 * 1024
    application = draft_application(user=applicant)
    client.force_login(applicant)

    started = time.monotonic()
    response = _upload(client, application, content)
    elapsed = time.monotonic() - started

    assert response.status_code == 400
    assert "unpacks to far more data than its size suggests" in response.content.decode()
    assert elapsed < 3
    assert not application.documents.exists()


def test_too_many_pages_are_refused_with_the_limit(client, applicant, settings):
    settings.DOCUMENT_MAX_PAGES = 5
    application = draft_application(user=applicant)
    client.force_login(applicant)

    response = _upload(client, application, pdf_bytes(pages=6))

    assert response.status_code == 400
    assert "This PDF has 6 pages; documents may have at most 5." in response.content.decode()
    assert _upload(client, application, pdf_bytes(pages=5)).status_code == 302


def test_an_ordinary_pdf_with_compressed_text_is_accepted(client, applicant):
    writer = _page_writer()
    writer.pages[0].merge_page(_page_writer().pages[0])
    writer.add_metadata({"/Title": "Business plan"})
    for page in writer.pages:
        page.compress_content_streams()
    application = draft_application(user=applicant)
    client.force_login(applicant)

    response = _upload(client, application, _write(writer))

    assert response.status_code == 302
    assert application.documents.count() == 1
