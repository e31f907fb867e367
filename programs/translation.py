"""Fields visitors read in their own language (django-modeltranslation adds name_en,
name_ko, name_ja … and falls back to English when a translation is empty)."""

from modeltranslation.translator import TranslationOptions, register

from .models import Challenge, Criterion, Cycle, Program, Question, Technology


@register(Program)
class ProgramTranslation(TranslationOptions):
    fields = ("name", "tagline", "description", "eligibility")


@register(Cycle)
class CycleTranslation(TranslationOptions):
    fields = ("name", "description")


@register(Criterion)
class CriterionTranslation(TranslationOptions):
    fields = ("name", "description")


# The catalogue's texts: written in English first (the original), translated by the
# program's managers on /manage/catalogue/; an untranslated text is shown in English and
# marked so (``programs.templatetags.catalogue``).
@register(Technology)
class TechnologyTranslation(TranslationOptions):
    fields = ("title", "summary")


@register(Challenge)
class ChallengeTranslation(TranslationOptions):
    fields = ("title", "problem_statement", "expected_outcome", "poc_terms")


@register(Question)
class QuestionTranslation(TranslationOptions):
    fields = ("label", "help_text", "section")
