from django.db import connection
from django.http import JsonResponse
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt


@never_cache
def healthz(request):
    """Liveness for the load balancer and docker-compose: the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return JsonResponse({"status": "ok"})


@csrf_exempt
def api_not_found(request, *args, **kwargs):
    """Any other path under ``/api/``: the API's own 404, in its error shape (not the
    HTML page)."""
    return JsonResponse(
        {"code": "not_found", "detail": gettext("Not found."), "fields": {}}, status=404
    )
