"""What the partners API shows of a proposal: the answers and documents the company agreed
to provide, the partner's own interest, and the contact person once selected and
announced. Never a status, a score, a reviewer or another partner's interest."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from applications.selectors import answer_sections

from . import selectors
from .enums import Interest


class AnswerSerializer(serializers.Serializer):
    field = serializers.CharField()
    label = serializers.CharField()
    value = serializers.CharField(allow_null=True)


class ProposalDocumentSerializer(serializers.Serializer):
    kind = serializers.CharField()
    name = serializers.CharField()
    url = serializers.CharField()


class ContactSerializer(serializers.Serializer):
    name = serializers.CharField()
    email = serializers.EmailField()


class InterestSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=Interest.choices)
    comment = serializers.CharField(allow_blank=True, required=False, max_length=2000)


class ProposalSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    reference = serializers.CharField()
    cycle = serializers.IntegerField(source="cycle_id")
    cycle_name = serializers.CharField(source="cycle.name")
    company = serializers.CharField(source="company.__str__")
    title = serializers.CharField()
    answers_to = serializers.SerializerMethodField()
    answers = serializers.SerializerMethodField()
    documents = serializers.SerializerMethodField()
    interest = serializers.SerializerMethodField()
    contact = serializers.SerializerMethodField()

    def get_answers_to(self, application) -> str:
        item = application.challenge or application.technology
        return item.title if item else ""

    @extend_schema_field(AnswerSerializer(many=True))
    def get_answers(self, application):
        return [
            {"field": name, "label": str(label), "value": None if value is None else str(value)}
            for _step, rows, _slug in answer_sections(application)
            for name, label, value in rows
        ]

    @extend_schema_field(ProposalDocumentSerializer(many=True))
    def get_documents(self, application):
        return [
            {
                "kind": document.kind,
                "name": document.neutral_name,
                "url": reverse("partners:proposal_document", args=[application.pk, document.pk]),
            }
            for document in application.documents.all()
        ]

    @extend_schema_field(InterestSerializer(allow_null=True))
    def get_interest(self, application):
        interests = getattr(application, "own_interests", None)
        if not interests:
            return None
        interest = interests[0]
        return {"level": interest.level, "comment": interest.comment}

    @extend_schema_field(ContactSerializer(many=True))
    def get_contact(self, application):
        if not selectors.contact_revealed(application):
            return []
        return [
            {"name": name, "email": email} for name, email in selectors.company_contact(application)
        ]
