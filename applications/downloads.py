"""The one way the portal hands a PDF to a browser, after the caller's permission check:
streamed from storage as it is sent, or — for whoever may not see the company (blind
review, partners) — a copy without the metadata (Author, Title, XMP…) that would name it."""

import io

from django.core.files import File
from django.http import FileResponse

from common.storage import open_for_streaming

from .pdf_safety import pdf_without_metadata


def pdf_response(file: File, filename: str, *, strip_metadata: bool) -> FileResponse:
    length = None
    if strip_metadata:
        with file.open("rb") as original:
            content = io.BytesIO(pdf_without_metadata(original))
    else:
        content, length = open_for_streaming(file.storage, file.name)
    response = FileResponse(
        content, as_attachment=True, filename=filename, content_type="application/pdf"
    )
    if length is not None:
        response["Content-Length"] = str(length)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
