"""Static files are served by whitenoise in production (no DEBUG)."""
import pytest
from django.core.management import call_command
from django.test import Client

pytestmark = pytest.mark.django_db


def test_static_files_are_served_by_whitenoise_without_debug(settings, tmp_path):
    settings.DEBUG = False
    settings.STATIC_ROOT = tmp_path
    call_command("collectstatic", "--noinput", verbosity=0)
    client = Client()
    for path in ("/static/newsdiff/newsdiff.css", "/static/newsdiff/newsdiff.js", "/static/django_htmx/htmx-2.min.js"):
        response = client.get(path)
        assert response.status_code == 200, path
