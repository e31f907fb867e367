"""The form a manager writes a call's own question with (the rules are the service's)."""

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .forms import LANGUAGE_CODES, _helper
from .models import Cycle, Question
from .questions import CONDITION_KINDS, QuestionKind


class QuestionForm(forms.Form):
    """A question of a call as the manager writes it. Options are one per line:
    ``key | English | 한국어 | 日本語`` (the key is what is stored; labels may be corrected
    later, keys not once answered). The rules are the service's."""

    kind = forms.ChoiceField(label=_("Kind of answer"), choices=QuestionKind.choices)
    required = forms.BooleanField(label=_("Required to submit"), required=False)
    visible_to_reviewers = forms.BooleanField(
        label=_("Reviewers see the answer"),
        required=False,
        initial=True,
        help_text=_("Untick for questions only the program office reads."),
    )
    choices_text = forms.CharField(
        label=_("Options (single or multiple choice)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One option a line: key | English | Korean | Japanese, e.g. "
            "“kobe | Kobe | 고베 | 神戸”. The key is stored; keep it short."
        ),
    )
    max_length = forms.IntegerField(
        label=_("Character limit (long text)"), required=False, min_value=1
    )
    min_number = forms.DecimalField(label=_("Minimum (number)"), required=False)
    max_number = forms.DecimalField(label=_("Maximum (number)"), required=False)
    condition_question = forms.ModelChoiceField(
        label=_("Show only when this question…"),
        queryset=None,
        required=False,
        empty_label=_("(always shown)"),
    )
    condition_value = forms.CharField(
        label=_("…has this answer"),
        required=False,
        max_length=100,
        help_text=_("“yes” or “no”, or the key of an option."),
    )

    def __init__(self, *args, cycle: Cycle, question: Question | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.question = question
        for name, label, widget in (
            ("label", _("Question"), forms.TextInput),
            ("help_text", _("Help text"), forms.Textarea(attrs={"rows": 2})),
            ("section", _("Section heading"), forms.TextInput),
        ):
            for code in LANGUAGE_CODES:
                self.fields[f"{name}_{code}"] = forms.CharField(
                    label=format_lazy("{} [{}]", label, code),
                    required=name == "label" and code == "en",
                    max_length=300 if name != "help_text" else None,
                    widget=widget,
                )
        parents = cycle.questions.filter(
            retired=False, condition_question__isnull=True, kind__in=list(CONDITION_KINDS)
        )
        if question is not None:
            parents = parents.exclude(pk=question.pk)
        self.fields["condition_question"].queryset = parents.order_by("order", "pk")
        # Languages first, then the rest in the declared order.
        texts = [f"{n}_{c}" for n in ("label", "help_text", "section") for c in LANGUAGE_CODES]
        self.order_fields(["kind", *texts])
        if question is not None and not self.is_bound:
            for name in (*texts, "kind", "required", "visible_to_reviewers", "max_length"):
                self.initial[name] = getattr(question, name)
            self.initial["min_number"] = question.min_number
            self.initial["max_number"] = question.max_number
            self.initial["condition_question"] = question.condition_question_id
            self.initial["condition_value"] = question.condition_value
            self.initial["choices_text"] = "\n".join(
                " | ".join(
                    [str(choice["key"])]
                    + [choice.get("label", {}).get(code, "") for code in LANGUAGE_CODES]
                )
                for choice in question.choices
            )
        self.helper = _helper()

    def clean_choices_text(self) -> list[dict]:
        choices = []
        for number, line in enumerate(self.cleaned_data["choices_text"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [part.strip() for part in line.split("|")]
            if len(parts) < 2 or not parts[0] or not parts[1]:
                raise forms.ValidationError(
                    _("Line %(number)d: write at least “key | English label”.") % {"number": number}
                )
            labels = dict(zip(LANGUAGE_CODES, parts[1:], strict=False))
            choices.append({"key": parts[0], "label": {k: v for k, v in labels.items() if v}})
        return choices

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        data["choices"] = data.pop("choices_text")
        parent = data.get("condition_question")
        data["condition_question"] = parent.pk if parent else None
        return data
