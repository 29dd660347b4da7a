"""The settings the test suite runs with: the app's own (newsdiff.settings) with what a test run lacks.

A fresh clone has no SECRET_KEY, and DEBUG is off, so the app would refuse to start: the suite makes a
random key for this run. Tests talk plain http (the test client, the live server), so the production
HTTPS defaults are off as in the local demo. Both go into os.environ, so the manage.py subprocesses some
tests start inherit them; an explicit environment still wins.
"""
import os
import secrets

os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("NEWSDIFF_PLAIN_HTTP", "1")

from newsdiff.settings import *  # noqa: E402,F401,F403

# Accounts made by tests need no slow password hash: PBKDF2's million rounds cost about half a second each.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
