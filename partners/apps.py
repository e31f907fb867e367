from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    """Pharmaceutical sponsors and technology holders, who read the consented proposals to
    their own challenges or technologies (issue 16)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "partners"
    verbose_name = _("Partners")

    def ready(self) -> None:
        from . import rules  # noqa: F401  (registers the named permissions)
