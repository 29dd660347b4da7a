"""Entry points for Django's tasks framework (the django-tasks backport on Django 5.2)."""
from django_tasks import task


@task()
def align_story(job_id: int) -> dict:
    """Run a queued AlignmentJob; the job row records progress, heartbeat, counts, timings and any error."""
    from .jobs import run_alignment

    job = run_alignment(job_id)
    return {"job": job.pk, "status": job.status, "pairs_created": job.pairs_created,
            "follow_up": job.follow_up.pk if job.follow_up else None}
