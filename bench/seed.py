"""Shared set-up of the benches that read the seed gold: paths, and Django on a throwaway database.

`import seed` (from a bench script) puts the project and ../shared/eval on the
path, points Django at an in-memory SQLite database and sets it up.
"""
import os
import secrets
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT.parent / "shared" / "eval"
SEEDS = ROOT.parent / "shared" / "seeds"
STORY = ROOT / "fixtures" / "stories" / "biden-putin-2021-12-07"

sys.path[:0] = [str(ROOT), str(EVAL)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdiff.settings")
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))  # DEBUG is off: the app needs one
os.environ["DATABASE_URL"] = "sqlite://:memory:"

import django  # noqa: E402

django.setup()
