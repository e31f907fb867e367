"""Fields visitors read in their own language (django-modeltranslation adds name_en,
name_ko, name_ja … and falls back to English when a translation is empty)."""

from modeltranslation.translator import TranslationOptions, register

from .models import Criterion, Cycle, Program, Question


@register(Program)
class ProgramTranslation(TranslationOptions):
    fields = ("name", "tagline", "description", "eligibility")


@register(Cycle)
class CycleTranslation(TranslationOptions):
    fields = ("name", "description")


@register(Criterion)
class CriterionTranslation(TranslationOptions):
    fields = ("name", "description")


@register(Question)
class QuestionTranslation(TranslationOptions):
    fields = ("label", "help_text", "section")
