import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError

from newsdiff.jobs import reap_stale_jobs, JobAlreadyActive, run_alignment, start_alignment
from newsdiff.models import AlignmentJob, Story


class Command(BaseCommand):
    help = "Align a story: propose pairs of passages that report one claim and group them into exchanges."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--threshold", type=float, help="keep pairs scoring at least this (default 0.45)")
        parser.add_argument("--full", action="store_true",
                            help="align the whole story again, even when only some articles are new "
                                 "(by default a story aligned before aligns only what it has not aligned yet)")
        parser.add_argument("--background", action="store_true",
                            help="queue the job for the tasks backend instead of running it here")

    def handle(self, *args, slug, threshold, background, full=False, **options):
        try:
            self._align(slug, threshold, background, full)
        except OperationalError as e:  # the job, if it started, recorded the failure
            raise CommandError(f"the database is unavailable ({e}); nothing was changed, try again") from None

    def _align(self, slug, threshold, background, full=False):
        story = Story.objects.filter(slug=slug).first()
        if story is None:
            raise CommandError(f"no story {slug!r}")
        if threshold is not None and not 0 <= threshold <= 2:
            raise CommandError("--threshold must be between 0 and 2")
        self._reap(story)
        try:
            job = start_alignment(story, threshold=threshold, enqueue=background, full=full)
        except JobAlreadyActive as e:
            raise CommandError(str(e)) from None
        if background:
            self.stdout.write(f"queued job {job.pk} ({job.status})")
            return
        job = run_alignment(job.pk, progress=self._bar)
        self.stderr.write("")
        if job.status != AlignmentJob.Status.SUCCEEDED:
            self._follow_up(job)
            raise CommandError(f"job {job.pk} failed: {job.error.splitlines()[0] if job.error else 'unknown error'}")
        timings = ", ".join(f"{k} {v:.2f}s" for k, v in job.timings.items())
        self.stdout.write(
            f"{story.slug}: {job.pairs_created} pairs created, {job.pairs_updated} updated, "
            f"{job.pairs_kept} kept (editor-tagged), {job.pairs_removed} removed; "
            f"{story.exchanges.count()} exchanges ({timings})"
        )
        self._follow_up(job)

    def _follow_up(self, job):
        """Say what became of the re-run an ingest asked for while this job ran."""
        follow = job.follow_up
        if follow is None:
            return
        follow.refresh_from_db()
        self.stdout.write(f"the story changed while job {job.pk} ran: follow-up job {follow.pk} {follow.status}")

    def _bar(self, done, total):
        if not sys.stderr.isatty():
            return
        width = 30
        filled = int(width * done / max(total, 1))
        self.stderr.write(f"\r  scoring [{'#' * filled}{'.' * (width - filled)}] {done}/{total} articles", ending="")

    def _reap(self, story):
        for dead in reap_stale_jobs(story):
            self.stderr.write(self.style.WARNING(f"job {dead.pk} marked failed: {dead.error}"))
