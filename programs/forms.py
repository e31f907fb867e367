from datetime import datetime, time, timedelta
from decimal import Decimal

from crispy_forms.helper import FormHelper
from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.text import capfirst, format_lazy, slugify
from django.utils.translation import gettext_lazy as _

from .catalogue import TEXT_FIELDS
from .enums import ActivityKind, DocumentKind, Track
from .models import Challenge, Cycle, Program, Technology

LANGUAGE_CODES = [code for code, _label in settings.LANGUAGES]


class CycleAdminForm(forms.ModelForm):
    """The cycle as managers edit it in the admin: document kinds as checkboxes, and the
    track's catalogue (technologies or challenges) only on the track that uses it."""

    required_document_kinds = forms.MultipleChoiceField(
        label=_("Required documents"),
        choices=DocumentKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Cycle
        fields = [
            "program",
            "name",
            "slug",
            "code",
            "description",
            "opens_at",
            "closes_at",
            "review_due_at",
            "announce_at",
            "selection_quota",
            "reviews_per_application",
            "blind_review",
            "required_document_kinds",
            "technologies",
            "challenges",
        ]

    def clean(self):
        cleaned = super().clean()
        program = cleaned.get("program")
        if program is not None:
            if cleaned.get("technologies") and program.track != Track.JOINT_RND:
                self.add_error(
                    "technologies", _("Only joint R&D cycles offer catalogue technologies.")
                )
            if cleaned.get("challenges") and program.track != Track.OPEN_INNOVATION:
                self.add_error("challenges", _("Only open innovation cycles offer challenges."))
        return cleaned


# =========================================================================================
# Setting up a call in the portal (managers)
# =========================================================================================
#
# One form per section of the set-up page. Each lists the settings it edits; a setting that
# may not change in the call's phase is shown disabled with the reason, and the services
# (``programs.services.setup``) refuse it anyway.

LANGUAGE_NAMES = {"en": _("English"), "ko": _("Korean"), "ja": _("Japanese")}
KST_HELP = _("Korea/Japan time (KST/JST, UTC+9).")


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    return helper


def local_datetime_field(label) -> forms.DateTimeField:
    """A date and time entered in Korea/Japan time (the portal's zone, ``TIME_ZONE``)."""
    return forms.DateTimeField(
        label=label,
        help_text=KST_HELP,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


def _translated_fields(form, name: str, label, *, required_en: bool, textarea: bool) -> None:
    for language in LANGUAGE_CODES:
        form.fields[f"{name}_{language}"] = forms.CharField(
            label=format_lazy("{} ({})", label, LANGUAGE_NAMES[language]),
            required=required_en and language == "en",
            max_length=None if textarea else 200,
            widget=forms.Textarea(attrs={"rows": 3}) if textarea else forms.TextInput,
        )


def _check_timeline(form, cleaned) -> None:
    pairs = [
        ("closes_at", "opens_at", _("The call must close after it opens.")),
        ("review_due_at", "closes_at", _("Reviews must be due after the call closes.")),
        ("announce_at", "review_due_at", _("Results must be announced after reviews are due.")),
    ]
    for later, earlier, message in pairs:
        if cleaned.get(later) and cleaned.get(earlier) and not cleaned[earlier] < cleaned[later]:
            form.add_error(later, message)


class CallCreateForm(forms.Form):
    """A new call, or a copy of a previous one (everything but names and dates)."""

    program = forms.ModelChoiceField(label=_("Program"), queryset=Program.objects.none())
    copy_from = forms.ModelChoiceField(
        label=_("Copy from a previous call"),
        queryset=Cycle.objects.none(),
        required=False,
        help_text=_(
            "Texts, quota, documents, rubric, offered items and reviewer pool are copied; "
            "the dates are not."
        ),
    )
    code = forms.CharField(
        label=_("Code"), max_length=16, help_text=_("Used in application references, e.g. 2027R2.")
    )
    slug = forms.SlugField(
        label=_("Web address"),
        required=False,
        help_text=_("Part of the call's address; made from the English name when left empty."),
    )

    def __init__(self, *args, programs, calls, copying: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = programs
        self.fields["copy_from"].queryset = calls
        self.fields["copy_from"].required = copying
        _translated_fields(self, "name", _("Name"), required_en=True, textarea=False)
        for name, label in TIMELINE_LABELS:
            self.fields[name] = local_datetime_field(label)
        self.helper = _helper()

    def clean(self):
        cleaned = super().clean()
        _check_timeline(self, cleaned)
        source, program = cleaned.get("copy_from"), cleaned.get("program")
        if source is not None and program is not None and source.program_id != program.pk:
            self.add_error("copy_from", _("Copy a call of the same program."))
        if not cleaned.get("slug") and cleaned.get("name_en"):
            cleaned["slug"] = slugify(cleaned["name_en"])[:50]
        return cleaned

    def values(self) -> dict:
        names = [f"name_{language}" for language in LANGUAGE_CODES]
        dates = [name for name, _label in TIMELINE_LABELS]
        return {name: self.cleaned_data[name] for name in [*names, "code", "slug", *dates]}


TIMELINE_LABELS = [
    ("opens_at", _("Applications open")),
    ("closes_at", _("Applications close")),
    ("review_due_at", _("Reviews due")),
    ("announce_at", _("Results announced")),
]


class SectionForm(forms.Form):
    """A section of the set-up page. ``settings`` are the ``Cycle`` fields it edits;
    ``locked`` maps a setting to why it cannot change now (shown, and the field disabled)."""

    section = ""
    title = ""

    def __init__(self, *args, cycle: Cycle, locked: dict[str, str], **kwargs):
        self.cycle = cycle
        super().__init__(*args, **kwargs)
        self.build()
        for name, field in self.fields.items():
            if name not in self.initial:
                self.initial[name] = self.initial_value(name)
            if name in locked:
                field.disabled = True
                field.help_text = locked[name]
        self.helper = _helper()

    def build(self) -> None:  # pragma: no cover — every section overrides it
        raise NotImplementedError

    def initial_value(self, name: str):
        return getattr(self.cycle, name)

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.fields if name in self.changed_data}


class TextsForm(SectionForm):
    section = "texts"
    title = _("Names and descriptions")

    def build(self):
        _translated_fields(self, "name", _("Name"), required_en=True, textarea=False)
        _translated_fields(self, "description", _("Description"), required_en=False, textarea=True)
        self.fields["code"] = forms.CharField(label=_("Code"), max_length=16)
        self.fields["slug"] = forms.SlugField(label=_("Web address"))

    def initial_value(self, name):
        return getattr(self.cycle, name) or ""


class TimelineForm(SectionForm):
    section = "timeline"
    title = _("Timeline")

    def build(self):
        for name, label in TIMELINE_LABELS:
            self.fields[name] = local_datetime_field(label)

    def clean(self):
        cleaned = super().clean()
        _check_timeline(self, cleaned)
        return cleaned


class SelectionForm(SectionForm):
    section = "selection"
    title = _("Selection and review")

    def build(self):
        self.fields["selection_quota"] = forms.IntegerField(label=_("Selection quota"), min_value=1)
        self.fields["reviews_per_application"] = forms.IntegerField(
            label=_("Reviews per application"),
            min_value=2,
            help_text=_("At least one MSS and one iPark reviewer per application."),
        )
        self.fields["blind_review"] = forms.BooleanField(
            label=_("Blind review"),
            required=False,
            help_text=_("Hide the company's identity from reviewers."),
        )


class DocumentsForm(SectionForm):
    section = "documents"
    title = _("Documents")

    def build(self):
        for name, label in (
            ("required_document_kinds", _("Required documents")),
            ("optional_document_kinds", _("Optional documents")),
        ):
            self.fields[name] = forms.MultipleChoiceField(
                label=label,
                choices=DocumentKind.choices,
                widget=forms.CheckboxSelectMultiple,
                required=False,
            )

    def clean(self):
        cleaned = super().clean()
        both = set(cleaned.get("required_document_kinds") or []) & set(
            cleaned.get("optional_document_kinds") or []
        )
        if both:
            self.add_error(
                "optional_document_kinds",
                _("A document cannot be both required and optional."),
            )
        return cleaned


class OfferedItemsForm(SectionForm):
    """The catalogue technologies (joint R&D) or the challenges (open innovation)."""

    section = "items"

    def build(self):
        if self.cycle.program.track == Track.JOINT_RND:
            self.title = _("Technologies offered in this call")
            self.fields["technologies"] = forms.ModelMultipleChoiceField(
                label=_("Technologies"),
                queryset=Technology.objects.filter(is_active=True),
                widget=forms.CheckboxSelectMultiple,
                required=False,
            )
        elif self.cycle.program.track == Track.OPEN_INNOVATION:
            self.title = _("Challenges offered in this call")
            self.fields["challenges"] = forms.ModelMultipleChoiceField(
                label=_("Challenges"),
                queryset=Challenge.objects.filter(is_active=True),
                widget=forms.CheckboxSelectMultiple,
                required=False,
            )

    def initial_value(self, name):
        return list(getattr(self.cycle, name).values_list("pk", flat=True))

    def changes(self):
        return {name: list(self.cleaned_data[name]) for name in self.fields}


class CriterionForm(forms.Form):
    """A row of the rubric: names and guidance in three languages, weight, maximum score."""

    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    weight = forms.DecimalField(
        label=_("Weight"), max_digits=5, decimal_places=2, min_value=Decimal("0.01")
    )
    max_score = forms.IntegerField(label=_("Maximum score"), min_value=1, max_value=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _translated_fields(self, "name", _("Name"), required_en=True, textarea=False)
        _translated_fields(self, "description", _("Guidance"), required_en=False, textarea=True)
        self.fields["max_score"].initial = 10
        self.helper = _helper()


class BaseRubricFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kept = [
            form
            for form in self.forms
            if form.has_changed() or form.cleaned_data.get("id")
            if not self._should_delete_form(form)
        ]
        if not kept:
            raise forms.ValidationError(_("The rubric needs at least one criterion."))

    def criteria(self) -> list:
        """The rows kept, in the order chosen, as ``CriterionInput``."""
        from .services import CriterionInput

        rows = [
            form
            for form in self.ordered_forms
            if (form.has_changed() or form.cleaned_data.get("id"))
            and not self._should_delete_form(form)
        ]
        texts = [
            f"{name}_{language}" for name in ("name", "description") for language in LANGUAGE_CODES
        ]
        return [
            CriterionInput(
                pk=form.cleaned_data.get("id"),
                texts={name: form.cleaned_data.get(name) or "" for name in texts},
                weight=form.cleaned_data["weight"],
                max_score=form.cleaned_data["max_score"],
            )
            for form in rows
        ]


RubricFormSet = forms.formset_factory(
    CriterionForm, formset=BaseRubricFormSet, extra=1, can_delete=True, can_order=True
)


def rubric_initial(cycle: Cycle) -> list[dict]:
    texts = [
        f"{name}_{language}" for name in ("name", "description") for language in LANGUAGE_CODES
    ]
    return [
        {
            "id": criterion.pk,
            "weight": criterion.weight,
            "max_score": criterion.max_score,
            "ORDER": position,
            **{name: getattr(criterion, name) or "" for name in texts},
        }
        for position, criterion in enumerate(cycle.criteria.all(), start=1)
    ]


class ActivityFilterForm(forms.Form):
    """Filters of a call's activity log."""

    kind = forms.ChoiceField(label=_("Kind"), required=False)
    actor = forms.ModelChoiceField(
        label=_("Who"), queryset=None, required=False, empty_label=_("Anyone")
    )
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, actors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Any kind")), *ActivityKind.choices]
        self.fields["actor"].queryset = actors

    def filters(self) -> dict:
        """Keyword arguments of ``selectors.call_activity`` (dates as KST/JST days)."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        zone = timezone.get_current_timezone()

        def day_start(day):
            return datetime.combine(day, time.min, tzinfo=zone) if day else None

        return {
            "kind": data.get("kind") or "",
            "actor_id": data["actor"].pk if data.get("actor") else None,
            "since": day_start(data.get("since")),
            "until": day_start(data["until"] + timedelta(days=1)) if data.get("until") else None,
        }


class ReopenForm(forms.Form):
    closes_at = local_datetime_field(_("New closing date"))


class ExtendForm(forms.Form):
    closes_at = local_datetime_field(_("New closing date"))


class CatalogueTextsForm(forms.Form):
    """An item's texts (technology or challenge) in English, Korean and Japanese."""

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, **kwargs)
        self.item = item
        for name in TEXT_FIELDS[type(item)]:
            label = capfirst(type(item)._meta.get_field(name).verbose_name)
            _translated_fields(self, name, label, required_en=True, textarea=name != "title")
        for name, field in self.fields.items():
            self.initial[name] = getattr(item, name) or ""
            field.widget.attrs["lang"] = name.rsplit("_", 1)[1]
        self.helper = _helper()
