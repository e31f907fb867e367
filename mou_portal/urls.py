from csp.decorators import csp_update
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from accounts import views as accounts_views
from common.views import api_not_found, healthz
from notifications.health import healthz_full

urlpatterns = [
    path("", include("programs.urls")),
    path("", include("applications.urls")),
    path("", include("partners.urls")),
    path("", include("reviews.urls")),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("inbox/", include("notifications.urls")),
    # Before Django's own: the switcher also saves a logged-in user's language.
    path("i18n/setlang/", accounts_views.set_language, name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("mou_portal.api_urls")),
    # After every API route: the API's own JSON 404 for any other path under /api/.
    re_path(r"^api/(?!schema/|docs/)", api_not_found),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "api/docs/",
        # Swagger UI's own policy: its page script is inline and its widgets style inline.
        csp_update({"script-src": ["'unsafe-inline'"], "style-src": ["'unsafe-inline'"]})(
            SpectacularSwaggerView.as_view(url_name="api-schema")
        ),
        name="api-docs",
    ),
    path("healthz", healthz, name="healthz"),
    path("healthz/full", healthz_full, name="healthz_full"),
]
