"""What a command that stored articles says about the alignment it then starts.

Shared by `ingest` and `add_article`: both start (or queue behind the active job) an
alignment of the story once articles were created or updated.
"""
from __future__ import annotations

from newsdiff.jobs import reap_stale_jobs, request_alignment
from newsdiff.models import AlignmentJob, Story


class AlignsStories:
    """A mixin for BaseCommand: `align_story(story)` starts an alignment and reports on it."""

    def align_story(self, story: Story) -> None:
        for dead in reap_stale_jobs(story):
            self.stderr.write(self.style.WARNING(f"job {dead.pk} marked failed: {dead.error}"))
        job, after = request_alignment(story)
        if after and job.status == AlignmentJob.Status.RUNNING:
            self.stdout.write(f"alignment job {job.pk} is running: a new alignment is queued to run when it ends")
            return
        if after:
            self.stdout.write(f"alignment job {job.pk} is queued: it will align these changes when it starts")
            return
        job.refresh_from_db()
        if job.status == AlignmentJob.Status.SUCCEEDED:
            self.stdout.write(f"aligned: {job.pairs_created + job.pairs_updated + job.pairs_kept} pairs, "
                              f"{story.exchanges.count()} exchanges")
        elif job.status == AlignmentJob.Status.FAILED:
            self.stderr.write(self.style.ERROR(f"alignment failed: {job.error.splitlines()[0]}"))
        else:
            self.stdout.write(f"alignment job {job.pk} {job.status} (run a worker: manage.py db_worker)")
