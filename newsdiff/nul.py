"""A request whose query string, form fields or cookies hold a NUL character answers 400 Bad Request,
before anything reads them.

No parameter, field or cookie of newsdiff's has a use for one, and PostgreSQL cannot store or compare text
that holds one: psycopg raises DataError, so an admin list filtered by `?status=%00` answered 500 there
(SQLite took it), and so did any page sent a session cookie holding one (the session store looks it up).
Forms refuse NUL in their own fields (Django's `ProhibitNullCharactersValidator`; a login with one answers
200 on PostgreSQL too): form fields are checked here all the same, since not every POST goes through a form.
"""
from django.core.exceptions import BadRequest


def _holds_nul(data) -> bool:
    return any("\x00" in name or any("\x00" in value for value in values) for name, values in data.lists())


class RejectNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        cookies = any("\x00" in name or "\x00" in value for name, value in request.COOKIES.items())
        if cookies or _holds_nul(request.GET) or (request.method == "POST" and _holds_nul(request.POST)):
            raise BadRequest("The request holds a NUL character.")  # Django answers 400
        return self.get_response(request)
