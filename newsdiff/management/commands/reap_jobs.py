from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from newsdiff.jobs import reap_stale_jobs


class Command(BaseCommand):
    help = ("Mark failed the alignment jobs whose worker died (no heartbeat for longer than the limit, "
            "or their process is gone), so their stories can be aligned again. Safe to run from cron.")

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=float,
                            help="seconds without a heartbeat after which a running job is taken for dead "
                                 f"(default NEWSDIFF_JOB_HEARTBEAT_LIMIT, now {settings.NEWSDIFF_JOB_HEARTBEAT_LIMIT})")

    def handle(self, *args, limit, **options):
        if limit is not None and limit <= 0:
            raise CommandError("--limit must be a positive number of seconds")
        reaped = reap_stale_jobs(limit=limit)
        for job in reaped:
            self.stdout.write(f"job {job.pk} ({job.story.slug}) marked failed: {job.error}")
        self.stdout.write(f"{len(reaped)} dead job{'s' if len(reaped) != 1 else ''} marked failed")
