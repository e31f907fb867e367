from django.contrib.admin.apps import AdminConfig


class OperatorAdminConfig(AdminConfig):
    """``django.contrib.admin`` with ``OperatorAdminSite`` (superusers only) as ``admin.site``.

    Its own module: ``common.admin_site`` imports forms and models, which an app config
    module may not do while the app registry loads.
    """

    default_site = "common.admin_site.OperatorAdminSite"
