"""Blind calls (issue 13, item 10): reviewers download a copy of each PDF without the
metadata that names the company; the company and managers get the file byte for byte;
applicants of a blind call are told not to name the company."""

import io

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from pypdf import PdfReader, PdfWriter

from programs.enums import Organisation
from tests.factories import (
    ProgramManagerFactory,
    ReviewerFactory,
    draft_application,
    open_cycle,
)
from tests.support.reviewing import assigned, review_cycle, under_review

pytestmark = pytest.mark.django_db

XMP = b"""<?xpacket begin='' id='W5M0MpCehiHzreSzNTczkc9d'?>
<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>
<rdf:Description xmlns:dc='http://purl.org/dc/elements/1.1/'><dc:creator>Hanbit Cell</dc:creator>
</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end='w'?>"""


def _identifying_pdf() -> bytes:
    from pypdf.generic import NameObject, StreamObject

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata(
        {
            "/Author": "Kim Min-ji, Hanbit Cell",
            "/Title": "Hanbit Cell business plan",
            "/Creator": "Hanbit Cell Word",
            "/Producer": "Hanbit Cell PDF",
        }
    )
    xmp = StreamObject()
    xmp._data = XMP
    xmp[NameObject("/Type")] = NameObject("/Metadata")
    xmp[NameObject("/Subtype")] = NameObject("/XML")
    writer._root_object[NameObject("/Metadata")] = writer._add_object(xmp)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.fixture
def blind_setup(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    cycle = review_cycle(blind_review=True)
    application = under_review(cycle)
    document = application.documents.first()
    original = _identifying_pdf()
    document.file.save(document.file.name.rsplit("/", 1)[-1], ContentFile(original))
    reviewer = ReviewerFactory(organisation=Organisation.MSS)
    assigned(application, reviewer)
    return application, document, reviewer, original


def _download(client, user, document):
    client.force_login(user)
    url = reverse(
        "applications:document",
        kwargs={"pk": document.application_id, "document": document.pk},
    )
    response = client.get(url)
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_reviewer_of_a_blind_call_gets_the_pdf_without_identifying_metadata(client, blind_setup):
    _application, document, reviewer, original = blind_setup
    assert b"Hanbit" in original

    content = _download(client, reviewer.user, document)

    assert b"Hanbit" not in content
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) == 1
    info = reader.metadata or {}
    for key in ("/Author", "/Title", "/Creator", "/Producer"):
        assert key not in info
    assert "/Metadata" not in reader.trailer["/Root"]


def test_company_and_manager_get_the_file_byte_for_byte(client, blind_setup):
    application, document, _reviewer, original = blind_setup
    owner = application.company.memberships.get().user
    manager = ProgramManagerFactory(programs=[application.cycle.program]).user

    assert _download(client, owner, document) == original
    assert _download(client, manager, document) == original


def test_applicants_of_a_blind_call_are_told_not_to_name_the_company(client, applicant):
    blind = draft_application(user=applicant, cycle=open_cycle(blind_review=True))
    open_call = draft_application(user=applicant)
    client.force_login(applicant)

    def page(application):
        url = reverse("applications:edit", kwargs={"pk": application.pk, "step": "project"})
        return client.get(url).content.decode()

    assert "Do not name your company" in page(blind)
    assert "Do not name your company" not in page(open_call)
