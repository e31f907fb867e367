"""Documents in S3-compatible object storage (issue 13, item 11), against a real S3 endpoint
(moto's standalone server on a free local port): uploads through the wizard and the API
land in the bucket, downloads stream the bytes only after the permission check, reviewers
of blind calls get a copy without metadata, an unreachable store is a 503 that keeps the
draft, ``verify_documents`` checks the bucket, and the managers' background exports are
kept, served and swept there too."""

import hashlib
import io
import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from applications import services
from applications.models import Document
from common.storage import StorageUnavailable
from programs.enums import Organisation
from reviews.models import ExportFile
from reviews.services import export_build, export_request, exports_sweep_expired
from tests.applications.test_blind_documents import _identifying_pdf
from tests.factories import (
    ReviewerFactory,
    complete_application,
    draft_application,
    pdf_bytes,
    pdf_upload,
)
from tests.reviews.selection_helpers import cycle_under_review
from tests.support import s3
from tests.support.api import token_client
from tests.support.reviewing import assigned, review_cycle, under_review

pytestmark = pytest.mark.django_db

PREFIX = "portal-docs"


@pytest.fixture(scope="module")
def endpoint():
    with s3.s3_server() as url:
        yield url


@pytest.fixture
def bucket(endpoint, settings, monkeypatch):
    """Documents go to a new bucket of the S3 server (under a prefix), as the settings
    build it from DOCUMENTS_S3_*."""
    for name, value in s3.CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    name = s3.new_bucket(endpoint)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": s3.storage_setting(endpoint, name, prefix=PREFIX),
    }
    return name


def _store_down(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": s3.storage_setting(s3.unreachable_endpoint(), "anything", prefix=PREFIX),
    }


def _download(client, user, document):
    client.force_login(user)
    url = reverse(
        "applications:document",
        kwargs={"pk": document.application_id, "document": document.pk},
    )
    return client.get(url)


def test_upload_through_the_wizard_lands_in_the_bucket(client, applicant, endpoint, bucket):
    application = draft_application(user=applicant)
    content = pdf_bytes(pages=2)
    client.force_login(applicant)

    response = client.post(
        reverse("applications:document_upload", kwargs={"pk": application.pk}),
        {"kind": "business_plan", "file": pdf_upload("plan.pdf", content)},
    )

    assert response.status_code == 302
    document = application.documents.get()
    assert document.file.name.startswith("documents/") and "plan" not in document.file.name
    assert s3.objects(endpoint, bucket) == {f"{PREFIX}/{document.file.name}": content}
    assert document.sha256 == hashlib.sha256(content).hexdigest()


def test_upload_through_the_api_lands_in_the_bucket(applicant, endpoint, bucket):
    application = draft_application(user=applicant)
    content = pdf_bytes(pages=3)

    response = token_client(applicant).post(
        f"/api/v1/applications/{application.pk}/documents/",
        {"kind": "business_plan", "file": pdf_upload("Plan.pdf", content)},
        format="multipart",
    )

    assert response.status_code == 201, response.json()
    document = application.documents.get()
    assert s3.objects(endpoint, bucket) == {f"{PREFIX}/{document.file.name}": content}


def test_download_streams_the_bytes_from_the_bucket_after_the_permission_check(
    client, applicant, other_applicant, bucket
):
    application = draft_application(user=applicant)
    content = pdf_bytes(pages=2)
    document = services.document_upload(
        application=application,
        actor=applicant,
        kind="business_plan",
        file=pdf_upload("plan.pdf", content),
    )

    response = _download(client, applicant, document)
    refused = _download(client, other_applicant, document)

    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Length"] == str(len(content))
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == content
    response.close()
    assert refused.status_code == 404


def test_reviewer_of_a_blind_call_gets_a_copy_without_metadata_from_the_bucket(client, bucket):
    cycle = review_cycle(blind_review=True)
    application = under_review(cycle)
    document = application.documents.first()
    original = _identifying_pdf()
    document.file.save("replaced.pdf", ContentFile(original))
    reviewer = ReviewerFactory(organisation=Organisation.MSS)
    assigned(application, reviewer)
    owner = application.company.memberships.get().user

    copy = b"".join(_download(client, reviewer.user, document).streaming_content)
    as_stored = b"".join(_download(client, owner, document).streaming_content)

    assert as_stored == original and b"Hanbit" in original
    assert b"Hanbit" not in copy
    reader = PdfReader(io.BytesIO(copy))
    assert len(reader.pages) == 1
    assert "/Author" not in (reader.metadata or {})
    assert "/Metadata" not in reader.trailer["/Root"]


def test_store_unreachable_upload_page_is_a_503_and_the_draft_keeps_everything(
    client, applicant, endpoint, bucket, settings
):
    application = complete_application(draft_application(user=applicant))
    kept = application.documents.get()
    kept_bytes = s3.objects(endpoint, bucket)[f"{PREFIX}/{kept.file.name}"]
    title = application.title
    _store_down(settings)
    client.force_login(applicant)

    response = client.post(
        reverse("applications:document_upload", kwargs={"pk": application.pk}),
        {"kind": "business_plan", "file": pdf_upload("new plan.pdf", pdf_bytes(pages=4))},
    )
    download = _download(client, applicant, kept)

    assert response.status_code == 503
    page = response.content.decode()
    assert "The document store is not answering at the moment" in page
    assert kept.original_name in page  # the draft's documents are still listed
    assert list(application.documents.values_list("pk", "sha256")) == [(kept.pk, kept.sha256)]
    application.refresh_from_db()
    assert application.title == title
    assert download.status_code == 503
    assert "Documents unavailable" in download.content.decode()

    # The store is back: the document the failed upload would have replaced is intact.
    settings.STORAGES = {
        **settings.STORAGES,
        "default": s3.storage_setting(endpoint, bucket, prefix=PREFIX),
    }
    back = _download(client, applicant, kept)
    assert b"".join(back.streaming_content) == kept_bytes
    back.close()


def test_store_unreachable_api_upload_answers_storage_unavailable(applicant, settings, bucket):
    application = draft_application(user=applicant)
    _store_down(settings)

    response = token_client(applicant).post(
        f"/api/v1/applications/{application.pk}/documents/",
        {"kind": "business_plan", "file": pdf_upload("Plan.pdf")},
        format="multipart",
    )

    assert response.status_code == 503
    body = response.json()
    assert body["code"] == "storage_unavailable"
    assert body["fields"] == {}
    assert "try again in a few minutes" in body["detail"]
    assert not Document.objects.filter(application=application).exists()


def test_verify_documents_checks_the_bucket(endpoint, bucket, capsys):
    first, second, third = (
        complete_application(draft_application()).documents.get() for _ in range(3)
    )

    call_command("verify_documents")
    assert "3 document(s) checked: 0 missing, 0 changed." in capsys.readouterr().out

    client = s3.client(endpoint)
    client.delete_object(Bucket=bucket, Key=f"{PREFIX}/{first.file.name}")
    client.put_object(Bucket=bucket, Key=f"{PREFIX}/{second.file.name}", Body=b"%PDF-1.4 x")
    with pytest.raises(CommandError, match="1 missing, 1 changed"):
        call_command("verify_documents")
    out = capsys.readouterr().out
    assert f"MISSING  document {first.pk}" in out
    assert f"CHANGED  document {second.pk}" in out
    assert f"document {third.pk}" not in out


def test_verify_documents_says_when_the_store_does_not_answer(bucket, settings):
    complete_application(draft_application())
    _store_down(settings)

    with pytest.raises(CommandError, match="The document store does not answer"):
        call_command("verify_documents")


def _settings_from(env: dict) -> subprocess.CompletedProcess:
    code = (
        "from django.conf import settings as s; d = s.STORAGES['default']; "
        "print(d['BACKEND']); print(sorted(d.get('OPTIONS', {}).items()))"
    )
    base = {k: v for k, v in os.environ.items() if not k.startswith("DOCUMENTS_S3_")}
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", code],
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_settings_read_the_bucket_from_the_environment():
    default = _settings_from({})
    configured = _settings_from(
        {
            "DOCUMENTS_S3_BUCKET": "mou-documents",
            "DOCUMENTS_S3_ENDPOINT_URL": "https://s3.example.org",
            "DOCUMENTS_S3_REGION": "ap-northeast-2",
            "DOCUMENTS_S3_PREFIX": "/portal/",
            "DOCUMENTS_S3_ADDRESSING_STYLE": "path",
            "DOCUMENTS_S3_CONNECT_TIMEOUT": "1.5",
            "DOCUMENTS_S3_READ_TIMEOUT": "10",
        }
    )
    bad = _settings_from({"DOCUMENTS_S3_BUCKET": "b", "DOCUMENTS_S3_ADDRESSING_STYLE": "dns"})

    assert default.stdout.splitlines()[0] == "django.core.files.storage.FileSystemStorage"
    lines = configured.stdout.splitlines()
    assert lines[0] == "common.storage.DocumentS3Storage", configured.stderr
    assert lines[1] == str(
        [
            ("addressing_style", "path"),
            ("bucket_name", "mou-documents"),
            ("connect_timeout", 1.5),
            ("endpoint_url", "https://s3.example.org"),
            ("location", "portal"),
            ("read_timeout", 10.0),
            ("region_name", "ap-northeast-2"),
        ]
    )
    assert bad.returncode != 0
    assert "DOCUMENTS_S3_ADDRESSING_STYLE must be auto, path or virtual" in bad.stderr


def test_background_exports_are_stored_downloaded_and_swept_in_the_bucket(
    client, manager, endpoint, bucket
):
    cycle, _apps = cycle_under_review(manager.user, count=2, announcement_passed=False)
    export = export_request(cycle=cycle, kind="ranking", actor=manager.user, language="en")
    export = export_build(export_id=export.pk)
    key = f"{PREFIX}/{export.file.name}"
    stored = s3.objects(endpoint, bucket)[key]
    client.force_login(manager.user)
    url = reverse("reviews:export_download", kwargs={"cycle_pk": cycle.pk, "export_pk": export.pk})

    response = client.get(url)
    body = b"".join(response.streaming_content)
    ExportFile.objects.filter(pk=export.pk).update(expires_at=timezone.now() - timedelta(1))
    swept = exports_sweep_expired()

    assert export.file.name.startswith("exports/") and stored.startswith(b"PK")
    assert body == stored and response["Content-Length"] == str(len(stored))
    assert swept == 1
    assert key not in s3.objects(endpoint, bucket)
    assert client.get(url).status_code == 410


def test_a_store_that_stops_between_opening_and_reading_is_unavailable(settings, monkeypatch):
    for name, value in s3.CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    with s3.s3_server() as url:
        bucket = s3.new_bucket(url)
        settings.STORAGES = {**settings.STORAGES, "default": s3.storage_setting(url, bucket)}
        name = default_storage.save("documents/x.pdf", ContentFile(pdf_bytes()))
        opened = default_storage.open(name, "rb")
    # The server is stopped: the body, fetched on first read, cannot come.
    with pytest.raises(StorageUnavailable):
        opened.read()
