from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("Reviews")

    def ready(self):
        """Register the reviewers as viewers of applications, and the selection service as
        the way the admin decides, in the extension points ``applications`` owns."""
        from applications import extensions

        from . import rules, selectors, services

        extensions.register_viewers(
            extensions.ApplicationViewers(
                name="reviews.assigned_reviewer",
                application=rules.is_assigned_reviewer,
                document=rules.is_document_reviewer,
                company_identity=rules.sees_company_identity,
                visibility=selectors.reviewer_visibility,
            )
        )
        extensions.register_decider(services.decisions_set_one)

        # Connects its part in setting up a call (``programs.signals``).
        from celery.signals import worker_ready

        from . import receivers  # noqa: F401
        from .tasks import resume_on_worker_start

        worker_ready.connect(resume_on_worker_start, dispatch_uid="reviews.resume_announcements")
