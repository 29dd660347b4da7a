"""Who is asking: the client address that login throttling (django-axes) counts failures against.

Behind a reverse proxy every request's REMOTE_ADDR is the proxy. The proxy passes the client's address
in a header it sets itself (nginx: `proxy_set_header X-Real-IP $remote_addr;`), named by the
CLIENT_IP_HEADER setting. Only a header the proxy always overwrites is safe to trust: a client can
send any header it likes to a server it reaches directly.
"""
from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's address: settings.CLIENT_IP_HEADER's value when set and present, else REMOTE_ADDR."""
    header = settings.CLIENT_IP_HEADER
    if header:
        value = request.META.get("HTTP_" + header.upper().replace("-", "_"), "").strip()
        if value:
            # A list ("client, proxy1") when a proxy appended instead of setting: the first is the client.
            return value.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "")
