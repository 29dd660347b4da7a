"""Re-aligning a big story whose pair scores all changed, on SQLite and on PostgreSQL.

    .venv/bin/python bench/realign_db.py [--copies 10]     # 5 x 10 = 50 articles

The story is the seed story's 5 articles in COPIES versions each (copy 0 the original,
the others perturbed as bench/align.py does), each version its own outlet. For each
database, in a child process (a fresh SQLite file; a throwaway PostgreSQL cluster
started by scripts/with_postgres.sh in a temporary folder): migrate, ingest without
aligning, align, tag one pair in 50 as an editor would (status, relation, note), then
change every stored pair's score and features (so the next run has to write every pair)
and align again. Prints, per database, the ingest time, the first alignment, and the
re-run: its total, its phases (`write` is the database's part) and its counts; exits 1
if a decision was lost or a pair kept its changed score.
"""
import argparse
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
PY = str(ROOT / ".venv" / "bin" / "python")
SLUG = "realign-bench"


def child(folder: Path) -> dict:
    """Runs in the child, against DATABASE_URL: the scenario; returns its figures."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdiff.settings")
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))  # DEBUG is off: the app needs one
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from newsdiff.ingest import ingest_story
    from newsdiff.jobs import run_alignment, start_alignment
    from newsdiff.models import AlignedPair, Passage

    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    story = ingest_story(folder).story
    version = connection.cursor().connection.info.server_version if connection.vendor == "postgresql" else None
    database = f"PostgreSQL {version // 10000}.{version % 10000}" if version else f"SQLite {connection.Database.sqlite_version}"
    figures = {"database": database,
               "articles": story.articles.count(), "passages": Passage.objects.of_story(story).count(),
               "ingest": time.perf_counter() - start}

    def align():
        start = time.perf_counter()
        job = run_alignment(start_alignment(story, enqueue=False).pk)
        assert job.status == "succeeded", job.error
        return job, time.perf_counter() - start

    first, figures["align"] = align()
    pairs = AlignedPair.objects.filter(story=story)
    decided = list(pairs.order_by("pk").values_list("pk", flat=True)[::50])
    at = timezone.now()
    pairs.filter(pk__in=decided).update(status="confirmed", relation="variant", note="checked", tagged_by="ed",
                                        tagged_at=at)
    before = set(pairs.filter(pk__in=decided).values_list("pk", "status", "relation", "note", "tagged_by",
                                                          "tagged_at"))
    pairs.update(score=0.001, features={"changed": True})
    again, figures["realign"] = align()
    after = set(pairs.filter(pk__in=decided).values_list("pk", "status", "relation", "note", "tagged_by", "tagged_at"))
    figures.update(pairs=pairs.count(), decided=len(decided), decisions_kept=before == after,
                   first_write=first.timings["write"], phases=again.timings, write=again.timings["write"],
                   counts={k: getattr(again, k) for k in ("pairs_created", "pairs_updated", "pairs_kept",
                                                          "pairs_removed")},
                   still_changed=pairs.filter(score=0.001).count())
    return figures


def run_child(folder: Path, env: dict, wrapper: list[str]) -> dict:
    out = subprocess.run([*wrapper, PY, __file__, "--child", str(folder)], env={**os.environ, **env},
                         capture_output=True, text=True, cwd=ROOT)
    if out.returncode:
        sys.exit(f"the child failed:\n{out.stdout}\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=10)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child)))
        return 0
    from jobs_recovery import make_story

    ok = True
    with tempfile.TemporaryDirectory(prefix="newsdiff-realign-") as tmp:
        folder = make_story(Path(tmp) / "story", args.copies, slug=SLUG)
        runs = [
            ({"DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3"}, []),
            ({"PG_DIR": f"{tmp}/pg"}, [str(ROOT / "scripts" / "with_postgres.sh")]),
        ]
        for env, wrapper in runs:
            f = run_child(folder, env, wrapper)
            ok &= f["decisions_kept"] and f["still_changed"] == 0
            phases = "  ".join(f"{k} {v:.1f}s" for k, v in f["phases"].items())
            print(f"{f['database']}: {f['articles']} articles, {f['passages']} passages, {f['pairs']} pairs; "
                  f"ingest {f['ingest']:.1f}s; align {f['align']:.1f}s (write {f['first_write']:.2f}s)\n"
                  f"  re-align with every score changed: {f['realign']:.1f}s ({phases})\n"
                  f"  {f['counts']}; {f['decided']} editor decisions kept: {f['decisions_kept']}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
