"""System checks for a production deployment (`manage.py check --deploy`)."""
from django.core.checks import Error, register

from .queueing import WORKER_HOWTO, jobs_are_queued


@register(deploy=True)
def alignment_jobs_are_queued(app_configs, **kwargs):
    """In production an alignment job goes to the queue and a worker runs it, never a web request."""
    if jobs_are_queued():
        return []
    return [Error("Alignment jobs would run inline (TASKS_BACKEND is not a queue), inside web requests.",
                  hint=WORKER_HOWTO[0].upper() + WORKER_HOWTO[1:] + ".", id="newsdiff.E001")]
