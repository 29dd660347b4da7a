"""A request that cannot get the database answers 503 with a page that says so, never a 500.

SQLite makes a writer wait up to its busy timeout for another writer (an
alignment's write phase, an ingest); past it, Django raises OperationalError
("database is locked"). That is the server being busy, not a bug: the answer is
503 Service Unavailable with Retry-After, and nothing of the request was stored
(its transaction rolled back).

`DatabaseBusyMiddleware` turns the error into a 503 when a view raises it;
`server_error` (the project's handler500) does the same when it happens outside
a view (saving the session after an admin login, for instance) and is Django's
plain 500 page otherwise.
"""
import logging
import sys

from django.db import OperationalError
from django.template import loader
from django.http import HttpResponse, HttpResponseServerError
from django.views import defaults

log = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 10


def database_busy(request, error: BaseException) -> HttpResponse:
    log.warning("503 for %s %s: the database is unavailable: %s", request.method, request.path, error)
    body = loader.render_to_string("newsdiff/503.html", {"retry_after": RETRY_AFTER_SECONDS})
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseBusyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OperationalError):
            return database_busy(request, exception)
        return None


def server_error(request, template_name=defaults.ERROR_500_TEMPLATE_NAME):
    """handler500: a 503 page when the error is the database being unavailable."""
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError):
        return database_busy(request, error)
    try:
        return defaults.server_error(request, template_name)
    except Exception:  # pragma: no cover - the 500 page itself failing
        return HttpResponseServerError("<h1>Server Error (500)</h1>")
