"""Where an alignment job runs when a web request starts one: on the queue in production, never inline.

Django's tasks framework runs a job wherever its backend says: the ImmediateBackend (the default, so
that the demo needs no worker) runs it inside the process that enqueues it. From a command line that
is what you want; from a web request it ties up a server worker for minutes (gunicorn times out and
the job is left behind). So a web request may start a job only when the backend queues it
(TASKS_BACKEND=django_tasks_db.DatabaseBackend, run by `manage.py db_worker`), or when the
NEWSDIFF_INLINE_JOBS setting allows inline runs: on by default only off production (DEBUG, or the
plain-http local demo, NEWSDIFF_PLAIN_HTTP=1). `check --deploy` refuses an inline backend outright
(newsdiff.checks).
"""
from django.conf import settings
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks.backends.dummy import DummyBackend
from django_tasks.backends.immediate import ImmediateBackend

WORKER_HOWTO = ("set TASKS_BACKEND=django_tasks_db.DatabaseBackend for the web server and run "
                "`manage.py db_worker` beside it (README, Deploying)")


class InlineJobRefused(Exception):
    """A web request would have run an alignment job inside itself, which production does not allow."""


def jobs_run_inline() -> bool:
    """True when enqueuing a task runs it at once in the calling process (no queue, no worker)."""
    return isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], ImmediateBackend)


def jobs_are_queued() -> bool:
    """True when enqueued tasks wait for a worker: a real queue, not the inline or the test-only dummy backend."""
    return not isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], (ImmediateBackend, DummyBackend))


def ensure_web_request_may_start_jobs() -> None:
    """Raise InlineJobRefused unless a job a web request starts would go to the queue (or inline is allowed)."""
    if jobs_run_inline() and not settings.NEWSDIFF_INLINE_JOBS:
        raise InlineJobRefused(f"alignment jobs run inline on this server, which would tie up the web request: "
                               f"{WORKER_HOWTO}")
