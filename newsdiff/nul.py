"""A query string with a NUL character answers 400 Bad Request, before any view runs.

No parameter of newsdiff's has a use for one, and PostgreSQL cannot store or compare text that holds one:
psycopg raises DataError, so an admin list filtered by `?status=%00` answered 500 there (SQLite took it).
Form fields already refuse it (Django's `ProhibitNullCharactersValidator`); the query string reaches the
admin's filters and our views' lookups unchecked.
"""
from django.core.exceptions import BadRequest


class RejectNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if any("\x00" in name or any("\x00" in value for value in values) for name, values in request.GET.lists()):
            raise BadRequest("The query string holds a NUL character.")  # Django answers 400
        return self.get_response(request)
