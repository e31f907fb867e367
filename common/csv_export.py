"""CSV that spreadsheets open safely, streamed row by row (used by the exports of
``reviews`` and the activity log of ``programs``).

Text a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return) is prefixed with ``'`` (OWASP "CSV injection"). A byte-order mark
comes first so that Excel reads the UTF-8 (Korean, Japanese) correctly.
"""

import csv
from collections.abc import Iterable, Iterator

from django.http import StreamingHttpResponse

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(text: str) -> str:
    """Text as a spreadsheet will show it, never run it."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


class Echo:
    """A file-like object whose ``write`` returns the line: csv.writer → a generator."""

    def write(self, value: str) -> str:
        return value


def csv_stream(headers: list[str], rows: Iterable[list[str]]) -> Iterator[str]:
    """The lines of a CSV file of text cells, each made safe with ``csv_safe``."""
    writer = csv.writer(Echo())
    yield "\ufeff"
    yield writer.writerow([csv_safe(str(header)) for header in headers])
    for row in rows:
        yield writer.writerow([csv_safe(str(cell)) for cell in row])


def streaming_csv_response(lines: Iterator[str], *, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
