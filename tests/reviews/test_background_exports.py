"""Exports in the background (issue 12): the .xlsx built by the ``reviews.build_export`` task
with its progress on the page, downloadable by the program's managers only, gone (410)
after ``EXPORT_FILE_TTL_HOURS`` and swept by beat; the CSV streamed with its byte-order
mark and header first, then rows in chunks."""

import csv
import io
import time
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from applications.models import Company
from programs.enums import Organisation, Track
from reviews import exports
from reviews.enums import ExportKind, ExportStatus
from reviews.models import ExportFile
from reviews.services import export_build, export_request, exports_sweep_expired
from reviews.tasks import sweep_expired_exports
from tests.factories import ProgramManagerFactory, ReviewerFactory, program_for
from tests.reviews.selection_helpers import cycle_under_review
from tests.support.celery_worker import running_worker
from tests.support.reviewing import private_media  # noqa: F401 (a fixture)
from tests.support.services import require_postgresql, require_redis

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_media")]


@pytest.fixture
def cycle(manager):
    cycle, _apps = cycle_under_review(manager.user, count=3, announcement_passed=False)
    return cycle


def _start(client, cycle, kind="ranking"):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(
            reverse("reviews:export_start", kwargs={"cycle_pk": cycle.pk, "kind": kind})
        )


def _url(name, export):
    return reverse(f"reviews:{name}", kwargs={"cycle_pk": export.cycle_id, "export_pk": export.pk})


def _ready(cycle, manager, kind=ExportKind.RANKING) -> ExportFile:
    export = export_request(cycle=cycle, kind=kind, actor=manager.user, language="en")
    return export_build(export_id=export.pk)


def test_xlsx_is_built_by_the_task_and_the_page_links_the_download(client, manager, cycle):
    client.force_login(manager.user)

    started = _start(client, cycle)
    export = ExportFile.objects.get()
    page = client.get(started["Location"])
    download = client.get(_url("export_download", export))
    body = b"".join(download.streaming_content)

    assert started["Location"] == _url("export_detail", export)
    assert export.status == ExportStatus.READY
    assert (export.total, export.done, export.percent) == (3, 3, 100)
    assert export.requested_by == manager.user
    expected_expiry = export.finished_at + timedelta(hours=24)
    assert export.expires_at == expected_expiry
    html = page.content.decode()
    assert 'role="status"' in html and "Ready: 3 rows." in html
    assert _url("export_download", export) in html
    assert "hx-get" not in html  # finished: no more polling
    assert "<script" not in html.split("</main>")[0].split("<main")[-1]  # CSP: no inline
    assert download.status_code == 200
    assert download["Content-Disposition"] == (
        f'attachment; filename="{cycle.program.slug}-{cycle.code}-ranking.xlsx"'
    )
    assert download["Cache-Control"] == "private, no-store"
    rows = list(load_workbook(io.BytesIO(body)).active.iter_rows(values_only=True))
    assert rows[0][:2] == ("Rank", "Reference") and [row[0] for row in rows[1:]] == [1, 2, 3]


def test_page_of_an_export_in_progress_polls_its_progress(client, manager, cycle):
    export = ExportFile.objects.create(
        cycle=cycle, kind=ExportKind.APPLICATIONS, status=ExportStatus.RUNNING, total=2000
    )
    ExportFile.objects.filter(pk=export.pk).update(done=500)
    client.force_login(manager.user)

    page = client.get(_url("export_detail", export)).content.decode()
    partial = client.get(_url("export_detail", export), HTTP_HX_REQUEST="true")
    download = client.get(_url("export_download", export))

    assert "500 of 2000 rows written" in page
    assert f'hx-get="{_url("export_detail", export)}"' in page
    assert 'hx-trigger="every 2s"' in page
    assert 'value="25"' in page  # the <progress> bar, 25 %
    assert partial.status_code == 200
    assert "<html" not in partial.content.decode()
    assert 'role="status"' in partial.content.decode()
    assert download.status_code == 302 and download["Location"] == _url("export_detail", export)


def test_headers_are_in_the_language_of_the_manager_who_asked(client, manager, cycle):
    client.force_login(manager.user)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "ko"

    _start(client, cycle, kind="applications")

    export = ExportFile.objects.get()
    with export.file.open("rb") as file:
        header = next(load_workbook(file).active.iter_rows(values_only=True))
    assert export.language == "ko"
    assert header[0] == "접수번호"


def test_progress_is_saved_every_so_many_rows():
    table = exports.Table(title="t", headers=["n"], rows=([n] for n in range(5)))
    calls = []

    total = exports.xlsx_write(
        table,
        io.BytesIO(),
        sheet="t",
        progress=lambda done, of: calls.append((done, of)),
        every=2,
    )

    assert total == 5
    assert calls == [(0, 5), (2, 5), (4, 5), (5, 5)]
    assert exports.XLSX_PROGRESS_EVERY == 500


def test_the_task_records_its_progress_in_the_row(manager, cycle, monkeypatch):
    seen = []
    original = exports.xlsx_write

    def spy(table, destination, *, sheet, progress):
        def recording(done, total):
            progress(done, total)
            seen.append(ExportFile.objects.values_list("done", "total").get())

        return original(table, destination, sheet=sheet, progress=recording, every=1)

    monkeypatch.setattr(exports, "xlsx_write", spy)

    export = _ready(cycle, manager)

    assert seen == [(0, 3), (1, 3), (2, 3), (3, 3)]
    assert export.status == ExportStatus.READY


def test_a_failed_build_is_marked_failed_and_offers_to_build_again(
    client, manager, cycle, monkeypatch
):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(exports, "xlsx_write", broken)
    export = export_request(cycle=cycle, kind="ranking", actor=manager.user, language="en")
    with pytest.raises(RuntimeError):
        export_build(export_id=export.pk)
    client.force_login(manager.user)

    page = client.get(_url("export_detail", export)).content.decode()

    export.refresh_from_db()
    assert export.status == ExportStatus.FAILED and not export.file
    assert "Building the file failed" in page
    assert reverse("reviews:export_start", kwargs={"cycle_pk": cycle.pk, "kind": "ranking"}) in page


# --- Who may ------------------------------------------------------------------------------

PERSONAS = ["manager", "other_program_manager", "reviewer", "applicant", "anonymous"]


def _login(client, who, cycle, manager):
    users = {
        "manager": lambda: manager.user,
        "other_program_manager": lambda: (
            ProgramManagerFactory(
                programs=[program_for(Track.JOINT_RND)], organisation=Organisation.MSS
            ).user
        ),
        "reviewer": lambda: ReviewerFactory(organisation=Organisation.MSS).user,
        "applicant": lambda: (
            Company.objects.filter(applications__cycle=cycle).first().memberships.get().user
        ),
    }
    if who in users:
        client.force_login(users[who]())


@pytest.mark.parametrize("who", PERSONAS)
def test_export_pages_and_downloads_only_for_the_programs_managers(client, manager, cycle, who):
    export = _ready(cycle, manager)
    _login(client, who, cycle, manager)

    start = _start(client, cycle)
    detail = client.get(_url("export_detail", export))
    download = client.get(_url("export_download", export))
    csv_response = client.get(
        reverse("reviews:export", kwargs={"cycle_pk": cycle.pk, "kind": "ranking", "fmt": "csv"})
    )

    statuses = (start.status_code, detail.status_code, download.status_code)
    if who == "manager":
        assert statuses == (302, 200, 200)
        b"".join(download.streaming_content)
        assert csv_response.status_code == 200
    elif who == "anonymous":
        assert statuses == (302, 302, 302)
        assert all(
            response["Location"].startswith(reverse("account_login"))
            for response in (start, detail, download, csv_response)
        )
    else:
        assert statuses == (404, 404, 404)
        assert csv_response.status_code == 404
    assert ExportFile.objects.count() == (2 if who == "manager" else 1)


def test_an_export_of_another_cycle_is_not_found_through_this_one(client, manager, cycle):
    other, _apps = cycle_under_review(manager.user, count=1, announcement_passed=False)
    export = _ready(other, manager)
    client.force_login(manager.user)

    response = client.get(
        reverse("reviews:export_download", kwargs={"cycle_pk": cycle.pk, "export_pk": export.pk})
    )

    assert response.status_code == 404


# --- Expiry and the sweep -----------------------------------------------------------------


def test_download_after_the_time_to_live_is_gone(client, manager, cycle, settings):
    settings.EXPORT_FILE_TTL_HOURS = 2
    export = _ready(cycle, manager)
    assert export.expires_at - export.finished_at == timedelta(hours=2)
    ExportFile.objects.filter(pk=export.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    client.force_login(manager.user)

    response = client.get(_url("export_download", export))

    assert response.status_code == 410
    assert "This file has expired" in response.content.decode()


def test_sweep_deletes_expired_files_and_keeps_the_rest(client, manager, cycle):
    expired, fresh = _ready(cycle, manager), _ready(cycle, manager)
    storage, expired_name = expired.file.storage, expired.file.name
    ExportFile.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(hours=1))
    stuck = ExportFile.objects.create(cycle=cycle, kind=ExportKind.RANKING)
    ExportFile.objects.filter(pk=stuck.pk).update(requested_at=timezone.now() - timedelta(days=2))

    swept = sweep_expired_exports.delay().get()

    expired.refresh_from_db()
    fresh.refresh_from_db()
    stuck.refresh_from_db()
    assert swept == 2
    assert not storage.exists(expired_name)
    assert (expired.status, expired.file.name) == (ExportStatus.EXPIRED, "")
    assert stuck.status == ExportStatus.EXPIRED
    assert fresh.status == ExportStatus.READY and storage.exists(fresh.file.name)
    assert exports_sweep_expired() == 0
    client.force_login(manager.user)
    assert client.get(_url("export_download", expired)).status_code == 410


def test_beat_sweeps_expired_exports_every_hour():
    entry = django_settings.CELERY_BEAT_SCHEDULE["reviews-sweep-expired-exports"]

    assert entry["task"] == "reviews.sweep_expired_exports"
    assert entry["schedule"] == 3600


# --- CSV, streamed ------------------------------------------------------------------------


def test_csv_starts_with_the_bom_and_header_before_any_score_is_read(client, manager, cycle):
    client.force_login(manager.user)
    url = reverse("reviews:export", kwargs={"cycle_pk": cycle.pk, "kind": "ranking", "fmt": "csv"})

    response = client.get(url)
    chunks = iter(response.streaming_content)
    with CaptureQueriesContext(connection) as before_first:
        first = next(chunks)
    rest = b"".join(chunks)

    assert response.streaming
    assert first.startswith(b"\xef\xbb\xbf" + b"Rank,Reference,Company")
    assert first.endswith(b"\r\n") and first.count(b"\r\n") == 1
    assert not before_first.captured_queries  # the ranking is computed after the header
    assert len(list(csv.reader(io.StringIO(rest.decode())))) == 3


def test_csv_rows_come_in_chunks_of_200():
    table = exports.Table(title="t", headers=["n"], rows=([n] for n in range(450)))

    chunks = list(exports.csv_lines(table))

    assert exports.CSV_CHUNK_ROWS == 200
    assert [chunk.count("\r\n") for chunk in chunks] == [1, 200, 200, 50]
    assert chunks[0] == "\ufeffn\r\n"


def test_csv_keeps_formulas_from_running(client, manager, cycle):
    Company.objects.filter(applications__cycle=cycle).update(name_en="=HYPERLINK(1)")
    client.force_login(manager.user)
    url = reverse("reviews:export", kwargs={"cycle_pk": cycle.pk, "kind": "ranking", "fmt": "csv"})

    text = b"".join(client.get(url).streaming_content).decode()

    assert "'=HYPERLINK(1)" in text and ",=HYPERLINK" not in text


# --- A real worker ------------------------------------------------------------------------


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_builds_the_export(client, manager, tmp_path, settings):
    require_postgresql()
    redis_url = require_redis()
    settings.MEDIA_ROOT = tmp_path / "shared-media"
    cycle, _apps = cycle_under_review(manager.user, count=3, announcement_passed=False)
    client.force_login(manager.user)

    with running_worker(redis_url=redis_url, extra_env={"MEDIA_ROOT": str(settings.MEDIA_ROOT)}):
        client.post(
            reverse("reviews:export_start", kwargs={"cycle_pk": cycle.pk, "kind": "ranking"})
        )
        export = ExportFile.objects.get()
        for _ in range(300):
            export.refresh_from_db()
            if not export.in_progress:
                break
            time.sleep(0.1)

    assert export.status == ExportStatus.READY, export.status
    assert export.total == 3
    body = b"".join(client.get(_url("export_download", export)).streaming_content)
    assert load_workbook(io.BytesIO(body)).active.max_row == 4


def test_export_page_lists_the_cycles_other_files_still_ready(client, manager, cycle):
    older, expired = _ready(cycle, manager, ExportKind.APPLICATIONS), _ready(cycle, manager)
    ExportFile.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(1))
    elsewhere = _ready(cycle_under_review(manager.user, count=1)[0], manager)
    current = _ready(cycle, manager)
    client.force_login(manager.user)

    with CaptureQueriesContext(connection) as queries:
        html = client.get(_url("export_detail", current)).content.decode()

    section = html.split('id="other-exports"')[1].split("</section>")[0]
    assert _url("export_download", older) in section
    assert _url("export_download", expired) not in section
    assert _url("export_download", current) not in section
    assert _url("export_download", elsewhere) not in html
    assert len(queries) < 20
