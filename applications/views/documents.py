"""Documents step: upload, download (permission-checked, metadata-free copies in blind
calls) and delete."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.storage import StorageUnavailable
from programs.enums import DocumentKind

from .. import selectors, services
from ..downloads import pdf_response
from ..forms import (
    DocumentUploadForm,
)
from ..models import Application
from ..requirements import DOCUMENTS, submission_problems
from ..validators import document_max_bytes
from ._common import _editable_application, _steps_context


def _documents_context(application: Application, form=None, kind: str = "") -> dict:
    documents = list(selectors.documents_of(application))
    present = {document.kind for document in documents}
    required = [
        (kind, label, kind in present)
        for kind, label in DocumentUploadForm.base_fields["kind"].choices
        if kind in application.cycle.required_document_kinds
    ]
    if form is None:
        missing = [kind for kind, _label, done in required if not done]
        form = DocumentUploadForm(
            initial={"kind": kind or (missing[0] if missing else DocumentKind.OTHER)}
        )
    return {
        "documents": documents,
        "required": required,
        "upload_form": form,
        "max_bytes": document_max_bytes(),
    }


@require_POST
def document_upload(request, pk: int):
    if not request.user.is_authenticated:
        messages.warning(request, _("Your session expired. Log in again and upload the file."))
        return redirect_to_login(
            reverse("applications:edit", kwargs={"pk": pk, "step": "documents"})
        )
    application = _editable_application(request, pk)
    if isinstance(application, HttpResponse):
        return application
    form = DocumentUploadForm(request.POST, request.FILES)
    status = 400
    if form.is_valid():
        try:
            document = services.document_upload(
                application=application,
                actor=request.user,
                kind=form.cleaned_data["kind"],
                file=form.cleaned_data["file"],
            )
        except ValidationError as error:
            form.add_error("file", error)
        except StorageUnavailable as error:
            # The draft is as it was (the upload's transaction rolled back): show it, with
            # the reason, and say the file can be sent again.
            form.add_error("file", str(error))
            status = error.status
        else:
            messages.success(
                request,
                _("Uploaded “%(name)s” as %(kind)s.")
                % {"name": document.original_name, "kind": document.get_kind_display()},
            )
            return redirect("applications:edit", pk=application.pk, step=DOCUMENTS.slug)
    context = _steps_context(application, DOCUMENTS.slug, submission_problems(application))
    context.update(_documents_context(application, form))
    return render(
        request,
        "applications/edit/documents.html",
        {"application": application, **context},
        status=status,
    )


@login_required
def document_download(request, pk: int, document: int):
    document_obj = selectors.get_document_for(request.user, pk, document)
    filename = selectors.document_name_for(request.user, document_obj)
    identity = request.user.has_perm("applications.view_company_identity", document_obj.application)
    return pdf_response(document_obj.file, filename, strip_metadata=not identity)


@login_required
@require_POST
def document_delete(request, pk: int, document: int):
    document_obj = selectors.get_document_for(request.user, pk, document)
    if not request.user.has_perm("applications.change_document", document_obj):
        raise PermissionDenied
    services.document_delete(document=document_obj, actor=request.user)
    messages.success(request, _("Deleted “%(name)s”.") % {"name": document_obj.original_name})
    return redirect("applications:edit", pk=pk, step=DOCUMENTS.slug)


@login_required
def answer_file_download(request, pk: int, answer: int):
    """A PDF answer to a call's question, under the name the viewer may see (neutral and
    without metadata in blind calls); office-only answers never for reviewers (404)."""
    answer_obj, filename = selectors.get_answer_file_for(request.user, pk, answer)
    identity = request.user.has_perm("applications.view_company_identity", answer_obj.application)
    return pdf_response(answer_obj.file, filename, strip_metadata=not identity)
