"""`/healthz`: is this process able to serve? For load balancers and process managers.

Answers 200 "ok" when the database answers a trivial query, 503 with the reason otherwise.
No template, no session, no login: it must stay cheap and work when little else does.
"""
from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@never_cache
@require_GET
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as e:
        return HttpResponse(f"database unavailable: {type(e).__name__}\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")
