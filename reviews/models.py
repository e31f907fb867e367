"""Reviewers, conflicts, assignments, reviews and decisions."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from programs.enums import Field, Organisation
from programs.validators import validate_fields


class Reviewer(models.Model):
    """A person of MSS or iPark who scores applications assigned to them."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="reviewer",
        verbose_name=_("user"),
    )
    organisation = models.CharField(_("organisation"), max_length=16, choices=Organisation.choices)
    expertise = models.JSONField(
        _("expertise fields"),
        default=list,
        blank=True,
        validators=[validate_fields],
        help_text=_("Fields the reviewer is qualified to judge; used to match assignments."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("reviewer")
        verbose_name_plural = _("reviewers")
        ordering = ["organisation", "user__email"]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_organisation_display()})"

    @property
    def expertise_labels(self) -> list[str]:
        labels = dict(Field.choices)
        return [labels[field] for field in self.expertise if field in labels]
