"""Settings that refuse to be unsafe, the Content-Security-Policy, login throttling, and the production job path.

The settings tests start `manage.py` in a subprocess with a chosen environment (settings are read once per
process); the others use the test client.
"""
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from newsdiff.models import AlignmentJob, Article, Passage, Story

ROOT = Path(__file__).resolve().parent.parent
SLUG = "biden-putin-2021-12-07"
# Variables of the test run that must not leak into the environments these tests build.
OWN = {"SECRET_KEY", "DEBUG", "NEWSDIFF_PLAIN_HTTP", "DJANGO_SETTINGS_MODULE", "TASKS_BACKEND", "DATABASE_URL",
       "NEWSDIFF_INLINE_JOBS", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "SECURE_PROXY_SSL_HEADER",
       "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD",
       "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "CLIENT_IP_HEADER",
       "DJANGO_ALLOW_ASYNC_UNSAFE"}  # (set by the browser tests: check --deploy warns of it, rightly)


def manage(*args, tmp_path, **env) -> subprocess.CompletedProcess:
    """Run manage.py with the app's own settings and only `env` on top of a clean environment."""
    base = {k: v for k, v in os.environ.items() if k not in OWN}
    base.update(DJANGO_SETTINGS_MODULE="newsdiff.settings", DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3")
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env={**base, **env},
                          capture_output=True, text=True, timeout=120)


def readme_production_environment() -> dict[str, str]:
    """The environment the README's "Deploying" section documents (its `newsdiff.env` block), key filled in."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```sh\n# /etc/newsdiff/newsdiff\.env.*?\n(.*?)```", readme, re.S)
    assert block, "README's Deploying section lost its newsdiff.env block"
    env = dict(line.split("=", 1) for line in block.group(1).splitlines() if re.match(r"[A-Z_]+=", line))
    assert env["SECRET_KEY"].startswith("<"), "the README must not publish a key"
    env["SECRET_KEY"] = secrets.token_urlsafe(50)
    return env


# SECRET_KEY ---------------------------------------------------------------------------------------

def test_with_debug_off_and_no_secret_key_the_app_refuses_to_start_naming_the_variable(tmp_path):
    done = manage("check", tmp_path=tmp_path, DEBUG="0")
    assert done.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY is not set" in done.stderr


@pytest.mark.parametrize("key", ["short", "a" * 60, "newsdiff-debug-only-key-never-used-with-debug-off"])
def test_a_short_or_known_secret_key_is_refused(tmp_path, key):
    done = manage("check", tmp_path=tmp_path, DEBUG="0", SECRET_KEY=key)
    assert done.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY is too weak" in done.stderr


def test_debug_on_runs_without_a_key_and_a_real_key_runs_with_debug_off(tmp_path):
    assert manage("check", tmp_path=tmp_path, DEBUG="1").returncode == 0
    done = manage("check", tmp_path=tmp_path, DEBUG="0", SECRET_KEY=secrets.token_urlsafe(50))
    assert done.returncode == 0, done.stderr


# check --deploy ------------------------------------------------------------------------------------

def test_check_deploy_with_the_readmes_production_environment_prints_no_warning(tmp_path):
    env = readme_production_environment()
    assert env["TASKS_BACKEND"] == "django_tasks_db.DatabaseBackend"
    done = manage("check", "--deploy", "--fail-level", "WARNING", tmp_path=tmp_path, **env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues (0 silenced)." in done.stdout
    assert "WARNING" not in done.stdout + done.stderr


def test_check_deploy_refuses_what_production_must_not_have(tmp_path):
    env = readme_production_environment()
    # The inline task backend (jobs inside web requests) and the plain-http demo switch.
    done = manage("check", "--deploy", tmp_path=tmp_path,
                  **{**env, "TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
                     "NEWSDIFF_PLAIN_HTTP": "1"})
    assert done.returncode != 0
    for check_id in ("newsdiff.E001", "security.W004", "security.W008", "security.W012", "security.W016"):
        assert check_id in done.stderr


# Logging --------------------------------------------------------------------------------------------

def test_logs_go_to_stdout_as_time_level_logger_message(tmp_path):
    done = manage("shell", "-c", "import logging; logging.getLogger('newsdiff.probe').warning('hello %s', 7)",
                  tmp_path=tmp_path, DEBUG="0", SECRET_KEY=secrets.token_urlsafe(50))
    assert re.search(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} WARNING newsdiff\.probe hello 7$", done.stdout, re.M), \
        done.stdout + done.stderr


# Content-Security-Policy ---------------------------------------------------------------------------

@pytest.fixture
def seeded(db):
    call_command("loaddata", "biden_putin_2021", verbosity=0)
    return Story.objects.get(slug=SLUG)


def researcher_urls(story) -> list[str]:
    article = Article.objects.filter(story=story).first()
    passage = Passage.objects.filter(article=article).first()
    return [reverse("newsdiff:stories"), reverse("newsdiff:story", args=[SLUG]),
            reverse("newsdiff:coverage", args=[SLUG]), reverse("newsdiff:article", args=[SLUG, article.pk]),
            reverse("newsdiff:passage", args=[SLUG, passage.pk]), reverse("admin:login")]


@pytest.mark.django_db
def test_every_page_carries_a_csp_that_allows_only_the_apps_own_scripts_and_styles(seeded, client):
    for url in researcher_urls(seeded):
        response = client.get(url)
        assert response.status_code == 200, url
        policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
        assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'", url
        assert policy["default-src"] == "'self'" and policy["object-src"] == "'none'", url
        assert "unsafe" not in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_pages_have_no_inline_script_handler_or_style_the_csp_would_block(seeded):
    editor = Client()  # editors see more controls (tag forms): check their pages too
    from django.contrib.auth.models import User
    editor.force_login(User.objects.create_superuser("boss", password="x" * 20))
    urls = researcher_urls(seeded)[:-1] + [reverse("admin:index"),
                                           reverse("admin:newsdiff_alignedpair_changelist"),
                                           reverse("admin:newsdiff_story_change", args=[seeded.pk])]
    for url in urls:
        html = editor.get(url).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), url
        assert not re.search(r"<[a-z][^>]*\son[a-z]+\s*=", html), url
        assert not re.search(r"<[a-z][^>]*\sstyle\s*=", html), url
        assert "<style" not in html, url


# Login throttling ----------------------------------------------------------------------------------

@pytest.mark.django_db
def test_failed_logins_lock_out_the_next_attempt_even_with_the_right_password(settings, django_user_model):
    django_user_model.objects.create_superuser("ed", password="the right passphrase")
    client = Client()
    login = reverse("admin:login")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(login, {"username": "ed", "password": "wrong"})
        assert response.status_code == 200 and "Please enter the correct username" in response.content.decode()
    response = client.post(login, {"username": "ed", "password": "wrong"})  # the last allowed failure
    assert response.status_code == 429
    response = client.post(login, {"username": "ed", "password": "the right passphrase"})
    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode() and "ed" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Another client address is not locked out by it: a stranger cannot lock an editor out.
    other = Client(REMOTE_ADDR="10.9.8.7")
    assert other.post(login, {"username": "ed", "password": "the right passphrase"}).status_code == 302


@pytest.mark.django_db
def test_a_success_before_the_limit_resets_the_count(settings, django_user_model):
    django_user_model.objects.create_superuser("ed", password="the right passphrase")
    client = Client()
    login = reverse("admin:login")
    for _ in range(2):
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            client.post(login, {"username": "ed", "password": "wrong"})
        assert client.post(login, {"username": "ed", "password": "the right passphrase"}).status_code == 302
        client.logout()


@pytest.mark.django_db
def test_behind_a_proxy_the_client_address_comes_from_the_configured_header(settings):
    from django.test import RequestFactory
    from newsdiff.security import client_ip

    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="203.0.113.9")
    settings.CLIENT_IP_HEADER = ""
    assert client_ip(request) == "127.0.0.1"
    settings.CLIENT_IP_HEADER = "X-Real-IP"
    assert client_ip(request) == "203.0.113.9"


# In production a web request only queues the job ---------------------------------------------------

def run_alignment_action(client, story):
    data = {"action": "run_alignment", "_selected_action": [story.pk], "index": 0}
    return client.post(reverse("admin:newsdiff_story_changelist"), data, follow=True).content.decode()


@pytest.fixture
def admin_client_(db, django_user_model):
    client = Client()
    client.force_login(django_user_model.objects.create_superuser("boss", password="x" * 20))
    return client


# db_worker closes the database connection between tasks, as a worker should; inside a test's wrapping
# transaction that ends the test's own connection on PostgreSQL: this test runs in real transactions.
@pytest.mark.django_db(transaction=True)
def test_in_production_run_alignment_queues_the_job_for_the_worker(seeded, admin_client_, settings):
    settings.NEWSDIFF_INLINE_JOBS = False
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    html = run_alignment_action(admin_client_, seeded)
    assert "queued (the worker runs it" in html
    job = AlignmentJob.objects.get(story=seeded)
    assert job.status == AlignmentJob.Status.QUEUED and job.task_id  # on the queue, not run in the request
    call_command("db_worker", "--batch", verbosity=0)
    job.refresh_from_db()
    assert job.status == AlignmentJob.Status.SUCCEEDED


def test_in_production_an_inline_backend_makes_run_alignment_refuse_and_say_why(seeded, admin_client_, settings):
    settings.NEWSDIFF_INLINE_JOBS = False
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
                                  "QUEUES": ["default"]}}
    html = run_alignment_action(admin_client_, seeded)
    assert "No alignment started" in html and "TASKS_BACKEND=django_tasks_db.DatabaseBackend" in html
    assert not AlignmentJob.objects.filter(story=seeded).exists()
