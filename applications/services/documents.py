"""Uploading and deleting documents: PDF checks, SHA-256, files removed after commit."""

import hashlib
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from programs.enums import DocumentKind

from ..enums import (
    EDITABLE,
)
from ..models import (
    Application,
    Document,
)
from ..validators import validate_pdf
from ._common import NotEditable
from .companies import _require_member

# --- Documents ----------------------------------------------------------------------------


def _delete_files(names: Iterable[str]) -> None:
    storage = Document._meta.get_field("file").storage
    for name in names:
        if name:
            storage.delete(name)


def _sha256(file) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def document_upload(*, application: Application, actor: User, kind: str, file) -> Document:
    """Attach a PDF to a draft, replacing the one of the same kind (except "other").

    The file is checked by its content (``validators.validate_pdf``: ``ValidationError``
    with a clear message). Side effects: the file stored under an unguessable name, a
    ``Document`` row; the replaced document's row goes and its file after commit.
    """
    if kind not in DocumentKind.values:
        raise ValidationError({"kind": _("Choose the kind of document.")})
    _require_member(actor, application.company)
    validate_pdf(file)
    original_name = (getattr(file, "name", "") or "document.pdf").rsplit("/", 1)[-1][:255]
    size = file.size
    sha256 = _sha256(file)
    stored: list[str] = []
    try:
        with transaction.atomic():
            locked = Application.objects.select_for_update().get(pk=application.pk)
            if locked.status not in EDITABLE:
                raise NotEditable(
                    _("This application has been submitted; its documents are final."),
                    code="not_editable",
                )
            replaced_names = []
            if kind != DocumentKind.OTHER:
                for old in locked.documents.filter(kind=kind):
                    replaced_names.append(old.file.name)
                    old.delete()
            document = Document(
                application=locked,
                kind=kind,
                original_name=original_name,
                size=size,
                sha256=sha256,
                uploaded_by=actor,
            )
            document.file.save(original_name, file, save=False)
            stored.append(document.file.name)  # type: ignore[arg-type]
            document.save()
            transaction.on_commit(lambda: _delete_files(replaced_names), robust=True)  # type: ignore[arg-type]
    except BaseException:
        _delete_files(stored)
        raise
    return document


def document_delete(*, document: Document, actor: User) -> None:
    """Remove a document from a draft. Side effects: the row, then the file after commit."""
    _require_member(actor, document.application.company)
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=document.application_id)
        if locked.status not in EDITABLE:
            raise NotEditable(
                _("This application has been submitted; its documents are final."),
                code="not_editable",
            )
        name = document.file.name
        document.delete()
        transaction.on_commit(lambda: _delete_files([name]), robust=True)  # type: ignore[list-item]
