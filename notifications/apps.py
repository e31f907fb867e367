from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        # Each app declares its reminders in its own ``reminders.py``; importing them
        # here fills the registry that the Celery beat task walks.
        autodiscover_modules("reminders")
        from celery.signals import worker_ready

        from .tasks import sweep_on_worker_start

        worker_ready.connect(sweep_on_worker_start, dispatch_uid="notifications.sweep_on_start")
