"""Issue 11's re-ingest scenario on the seed story, with its counts.

    .venv/bin/python bench/reingest.py

Runs tests/reingest_scenario.py (the scenario tests/test_reingest.py asserts) in a fresh SQLite
database and a copy of the seed story's folder, both in a temporary folder: ingest, align, an
editor's 3 confirmations, 2 rejections, 2 voices, a rename and a merge; then the Guardian's file
gets a corrected word, loses a tagged sentence and gains one; ingest, align, attribute. Prints
how many decisions are still there (with who and when), the ingest report's passage counts, and
what became of the corrected, removed and added sentences. Exits 1 if a decision was lost.
"""
import os
import secrets
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TMP = Path(tempfile.mkdtemp(prefix="newsdiff-reingest-"))
os.environ.update(DATABASE_URL=f"sqlite:///{TMP}/db.sqlite3", SECRET_KEY=secrets.token_urlsafe(50),
                  DJANGO_SETTINGS_MODULE="newsdiff.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402

from newsdiff.models import Passage  # noqa: E402
from tests import reingest_scenario as scenario  # noqa: E402

SEED = ROOT / "fixtures" / "stories" / "biden-putin-2021-12-07"


def main() -> int:
    call_command("migrate", verbosity=0)
    folder = TMP / "seed"
    shutil.copytree(SEED, folder)
    editor = get_user_model().objects.create_user("ed", password="bench-only")
    out = scenario.run(folder, editor)

    kept = [key for key, value in out.before.items() if out.after.get(key) == value]
    print(f"editor decisions          {len(out.before)} before, {len(kept)} still there with who and when "
          f"({100 * len(kept) / max(len(out.before), 1):.0f} %)")
    for kind in ("pair", "voice", "exchange"):
        print(f"  {kind + 's':22}  {sum(k[0] == kind for k in out.before)} -> {sum(k[0] == kind for k in kept)}")
    print("ingest report (again)    ",
          next(line for line in out.reingest.splitlines() if line.startswith(f"{scenario.SLUG}: passages")))
    corrected = Passage.objects.get(pk=out.corrected_id)
    print(f"corrected sentence        id {corrected.pk} kept, reads {scenario.CORRECTED[1]!r}: "
          f"{scenario.CORRECTED[1] in corrected.text}")
    removed = Passage.objects.get(pk=out.removed_id)
    tags = scenario.pairs_of(removed.pk).filter(tagged_at__isnull=False)
    print(f"removed sentence          id {removed.pk} retired: {removed.retired_at is not None}, "
          f"tagged pairs kept: {tags.count()} ({', '.join(f'{p.status}, stale={p.stale}' for p in tags)})")
    added = Passage.objects.get(article__source=scenario.EDITED_FILE, text=out.added_text)
    print(f"added sentence            id {added.pk}, aligned in {scenario.pairs_of(added.pk).count()} pairs")
    shutil.rmtree(TMP)
    return 0 if len(kept) == len(out.before) else 1


if __name__ == "__main__":
    sys.exit(main())
