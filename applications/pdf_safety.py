"""What an uploaded PDF may not contain: a domain module over a parsed ``PdfReader``, no
database, no request.

A reviewer opens the applicants' PDFs on their own machine, so a document must not be able
to act: no JavaScript (``/JavaScript`` actions, ``/JS``, the document's JavaScript name
tree), no ``/Launch`` actions, no embedded files (``/EmbeddedFiles``, ``/EmbeddedFile``,
``/GoToE``), no automatic actions (``/OpenAction`` or ``/AA`` running one of those). And
it must not be a decompression bomb: the streams' decompressed sizes are added up with a
budget and the check stops as soon as the budget is spent, so a 100 KB file that would
inflate to 100 MB is refused after reading a few MB. A page count cap keeps a
100,000-page file out of the reviewers' way.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, StreamObject

# Action types that run something: never in a document a reviewer opens.
ACTIVE_ACTIONS = frozenset({"/JavaScript", "/Launch", "/GoToE", "/ImportData", "/Rendition"})
EMBEDDED_KEYS = frozenset({"/EmbeddedFiles", "/EmbeddedFile"})
# Objects visited at most: a well-formed document of the allowed size has far fewer.
MAX_OBJECTS = 200_000
CHUNK = 64 * 1024


@dataclass(frozen=True)
class Finding:
    """Why a PDF is refused: ``code`` is one of ``javascript``, ``launch``,
    ``embedded_file``, ``too_many_pages``, ``inflates_too_much``, ``too_complex``."""

    code: str
    detail: str = ""


class _Budget(Exception):
    pass


def pdf_findings(reader, *, max_pages: int, max_inflated_bytes: int) -> list[Finding]:
    """Everything ``reader``'s document may not contain, or ``[]``. Stops at the first
    decompression or complexity overrun (the rest would only cost time)."""
    findings: dict[str, Finding] = {}
    pages = len(reader.pages)
    if pages > max_pages:
        findings["too_many_pages"] = Finding("too_many_pages", str(pages))
    inflated = 0
    seen: set[tuple[int, int]] = set()
    stack = [reader.trailer]
    visited = 0
    try:
        while stack:
            node = stack.pop()
            if isinstance(node, IndirectObject):
                key = (node.idnum, node.generation)
                if key in seen:
                    continue
                seen.add(key)
                node = node.get_object()
            visited += 1
            if visited > MAX_OBJECTS:
                findings["too_complex"] = Finding("too_complex")
                break
            if isinstance(node, DictionaryObject):
                _inspect_dictionary(node, findings)
                if isinstance(node, StreamObject):
                    inflated += _inflated_size(node, max_inflated_bytes - inflated)
                stack.extend(value for name, value in node.items() if name != "/Parent")
            elif isinstance(node, ArrayObject):
                stack.extend(node)
    except _Budget:
        findings["inflates_too_much"] = Finding("inflates_too_much")
    return list(findings.values())


def _inspect_dictionary(node: DictionaryObject, findings: dict[str, Finding]) -> None:
    action = node.get("/S")
    if action in ("/JavaScript",) or "/JS" in node:
        findings.setdefault("javascript", Finding("javascript"))
    elif action == "/Launch":
        findings.setdefault("launch", Finding("launch"))
    elif action in ACTIVE_ACTIONS:
        findings.setdefault("embedded_file", Finding("embedded_file", str(action)))
    if "/JavaScript" in node and isinstance(
        node.get("/JavaScript"), (DictionaryObject, IndirectObject)
    ):
        findings.setdefault("javascript", Finding("javascript"))
    if EMBEDDED_KEYS & set(node.keys()) or node.get("/Type") == NameObject("/EmbeddedFile"):
        findings.setdefault("embedded_file", Finding("embedded_file"))


def _inflated_size(stream: StreamObject, budget: int) -> int:
    """The decompressed size of one stream, decompressing at most ``budget`` bytes (raises
    ``_Budget`` past it). Only Flate is inflated here; other filters count as stored."""
    raw = getattr(stream, "_data", b"") or b""
    filters = stream.get("/Filter")
    first = filters[0] if isinstance(filters, ArrayObject) and filters else filters
    if first not in ("/FlateDecode", "/Fl"):
        size = len(raw)
    else:
        inflater = zlib.decompressobj()
        size = 0
        data = raw
        try:
            while data:
                chunk = inflater.decompress(data, CHUNK)
                size += len(chunk)
                if size > budget:
                    raise _Budget
                data = inflater.unconsumed_tail
                if not chunk and not data:
                    break
            size += len(inflater.flush())
        except zlib.error:
            pass  # a damaged stream: pypdf's own verdict decides about damage
    if size > budget:
        raise _Budget
    return size


def pdf_without_metadata(file) -> bytes:
    """A copy of the PDF in ``file`` without what names its author: the document
    information dictionary (Author, Title, Subject, Keywords, Creator, Producer, dates),
    the XMP metadata stream of the document and of each page, and page piece info. The
    pages themselves are unchanged. For reviewers of a blind call."""
    import io

    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(file)
    # A new document with the pages only: what the catalog and trailer referred to
    # (information dictionary, XMP) is not carried over at all.
    writer = PdfWriter()
    for page in reader.pages:
        writer.add_page(page)
    for page in writer.pages:
        for key in ("/Metadata", "/PieceInfo"):
            if key in page:
                del page[key]
    # pypdf would name itself as the producer: say nothing at all.
    writer.metadata = None
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
