"""The applications API, with the selectors, services and named permissions of the pages:
read applications (filters, cursor pages), and the applicant's write path — start a draft,
save answers, upload a document, give the consents and submit."""

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from common.api import ApiViewMixin, ErrorSerializer, Rule, require_token_program
from common.pagination import Cursor
from programs.selectors import cycles_public

from . import selectors, services
from .filters import ApplicationFilter
from .forms import TRACK_FORMS, DocumentUploadForm, ProjectForm
from .models import Document
from .requirements import answer_fields
from .serializers import (
    ApplicationAnswersSerializer,
    ApplicationDetailSerializer,
    ApplicationSerializer,
    ApplicationStartSerializer,
    DocumentSerializer,
    DocumentUploadSerializer,
    SubmitSerializer,
)

VISIBLE = Rule(object="applications.view_application")


def _checked_answers(application, sent: dict, version, question_answers) -> tuple[dict, dict]:
    """The project and track answers sent, cleaned by the pages' forms, and the call's own
    questions' answers by question id; ``ValidationError`` keyed by field for the rest."""
    answers, errors = {}, {}
    unknown = set(sent) - set(answer_fields(application.track))
    for name in sorted(unknown):
        errors[name] = [_("This program does not ask for this answer.")]
    for form_class in (ProjectForm, TRACK_FORMS[application.track]):
        names = [name for name in form_class.Meta.fields if name in sent]
        if not names:
            continue
        form = form_class(
            data={**{n: sent[n] for n in names}, "version": version}, application=application
        )
        form.is_valid()
        for name in names:
            if name in form.errors:
                errors[name] = form.errors[name]
            else:
                answers[name] = form.cleaned_data[name]
    values = {}
    for key, value in (question_answers or {}).items():
        if not (str(key).isdigit() and len(str(key)) < 19):
            errors.setdefault("question_answers", []).append(
                _("Question ids are numbers: %(key)s.") % {"key": key}
            )
        else:
            values[int(key)] = value
    if errors:
        raise ValidationError(errors)
    return answers, values


class ApplicationViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    """Applications of the user's companies (and, for program managers, the sent-in
    applications of their programs; for reviewers, those open to them)."""

    serializer_class = ApplicationSerializer
    # The list is the selector's: only what the user may view. Writes fetch what the user
    # may view (404 otherwise), then check the pages' rule (``change_application``,
    # ``submit_application``) and leave the rest to the services.
    permission_rules = {
        "list": Rule(),
        "retrieve": VISIBLE,
        "create": Rule(),
        "partial_update": VISIBLE,
        "documents": VISIBLE,
        "submit": VISIBLE,
    }
    program_field = "cycle__program"
    filterset_class = ApplicationFilter
    pagination_class = Cursor

    def get_serializer_class(self):
        # The answers to the call's questions only on one application (the list stays at
        # a fixed number of queries per page).
        if self.action == "list":
            return ApplicationSerializer
        return ApplicationDetailSerializer

    def get_queryset(self):
        return selectors.applications_for_api(self.request.user).prefetch_related(
            Prefetch("documents", queryset=Document.objects.order_by("kind", "pk"))
        )

    def _fresh(self, pk: int):
        return self.get_serializer(self.get_queryset().get(pk=pk)).data

    def _editable(self, rule: str):
        """The draft if the user may change it (the pages' rule); a member of a sent-in
        application is told it is final (409 ``not_editable``); anyone else 403."""
        application = self.get_object()
        if self.request.user.has_perm(rule, application):
            return application
        if application.viewer_is_member:
            raise services.NotEditable(
                _("This application has been submitted and can no longer be changed."),
                code="not_editable",
            )
        raise PermissionDenied

    @extend_schema(
        request=ApplicationStartSerializer,
        responses={200: ApplicationSerializer, 201: ApplicationSerializer},
    )
    def create(self, request):
        """Start a draft for one of your companies in an open call. If the company already
        has a live application in the call, that one is returned (200). A company that is
        not yours, or a call that is not public, is 404."""
        data = ApplicationStartSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        # Ids of what the caller may not see are 404, as in URLs: they reveal nothing.
        company = selectors.get_company_for(request.user, data.validated_data["company"])
        cycle = cycles_public().filter(pk=data.validated_data["cycle"]).first()
        if cycle is None:
            raise Http404
        require_token_program(request, cycle.program_id)
        application, created = services.application_start(
            company=company, cycle=cycle, actor=request.user
        )
        return Response(
            self._fresh(application.pk),
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @extend_schema(request=ApplicationAnswersSerializer, responses=ApplicationSerializer)
    def partial_update(self, request, pk=None):
        """Save answers of your draft (only those sent), with the ``version`` you read."""
        application = self._editable("applications.change_application")
        data = ApplicationAnswersSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        version = data.validated_data.pop("version")
        question_answers = data.validated_data.pop("question_answers", None)
        sent = data.validated_data
        answers, values = _checked_answers(application, sent, version, question_answers)
        try:
            if answers:
                loaded = application.version
                services.application_update(
                    application=application,
                    actor=request.user,
                    data=answers,
                    expected_version=version,
                )
                # Our own save moved the version on: the questions' answers go with it.
                if application.version != loaded:
                    version = application.version
            if values:
                services.answers_save(
                    application=application,
                    actor=request.user,
                    values=values,
                    expected_version=version,
                )
        except services.StaleVersion as stale:
            raise services.NotEditable(
                _(
                    "Someone saved this application since you read it: it is now at version "
                    "%(version)s. Read it again and send your changes with that version."
                )
                % {"version": stale.current.version},
                code="stale_version",
            ) from None
        return Response(self._fresh(application.pk))

    @extend_schema(
        request={"multipart/form-data": DocumentUploadSerializer},
        responses={
            201: DocumentSerializer,
            503: OpenApiResponse(
                ErrorSerializer,
                description="The document store does not answer (`storage_unavailable`); "
                "nothing was changed, try again later.",
            ),
        },
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def documents(self, request, pk=None):
        """Upload a PDF to your draft (multipart/form-data: ``kind``, ``file``)."""
        application = self._editable("applications.change_application")
        form = DocumentUploadForm(request.data, request.FILES)
        if not form.is_valid():
            raise ValidationError(form.errors)
        document = services.document_upload(
            application=application,
            actor=request.user,
            kind=form.cleaned_data["kind"],
            file=form.cleaned_data["file"],
        )
        document.application = self.get_queryset().get(pk=application.pk)
        return Response(
            DocumentSerializer(document, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=SubmitSerializer, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Submit your draft with both consents. Refused together, as on the pages: after
        the deadline (409 ``deadline_passed``), or while answers, documents or consents are
        missing (400 ``submission_incomplete``, each in ``fields``)."""
        now = timezone.now()  # the moment the request arrived: the deadline is judged here
        application = self._editable("applications.submit_application")
        data = SubmitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.application_submit(
            application=application,
            actor=request.user,
            consents=data.validated_data["consents"],
            now=now,
        )
        return Response(self._fresh(application.pk))
