"""Entry points for Django's tasks framework (the django-tasks backport on Django 5.2)."""
from django_tasks import task


@task()
def align_story(job_id: int) -> dict:
    """Run a queued AlignmentJob; the job row records progress, heartbeat, counts, timings and any error."""
    from .jobs import run_alignment

    job = run_alignment(job_id)
    return {"job": job.pk, "status": job.status, "pairs_created": job.pairs_created,
            "follow_up": job.follow_up.pk if job.follow_up else None}


@task()
def encode_article(article_id: int) -> dict:
    """Encode and store an article's passages that have no encoding yet (one task per article: on a real
    queue, the workers of several machines share a big ingest's encoding). An article deleted meanwhile
    has nothing left to encode."""
    from .encodings import encode_missing
    from .models import Passage

    texts = Passage.objects.live().filter(article_id=article_id).values_list("text", flat=True)
    return {"article": article_id, "encoded": encode_missing(texts)}
