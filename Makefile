# The two commands a newcomer runs: `make demo` and `make -j2 --output-sync=target test test-postgres` (both suites at once).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-nodeps.txt | cksum | cut -d' ' -f1)
HOST ?= 127.0.0.1:8000

CHROMIUM ?= /usr/bin/chromium

# With DEBUG off the app refuses to start without a SECRET_KEY (newsdiff/settings.py). Unless one is set,
# make creates a random key once in .secret-key (gitignored, readable by you alone) and exports it to
# every command below; for your own manage.py commands: export SECRET_KEY="$$(cat .secret-key)".
SECRET_KEY_FILE := .secret-key
ifeq ($(strip $(SECRET_KEY)),)
SECRET_KEY := $(shell test -s $(SECRET_KEY_FILE) || (umask 077 && $(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))' > $(SECRET_KEY_FILE)); cat $(SECRET_KEY_FILE))
endif
export SECRET_KEY

# The demo is served over plain http on this machine: no https redirect, no HSTS, cookies without Secure.
# Production leaves this unset (README, Deploying).
demo serve: export NEWSDIFF_PLAIN_HTTP ?= 1

.PHONY: demo serve test test-postgres install browser postgresql fixture fuzz clean

install: $(STAMP)

$(STAMP): requirements.txt requirements-nodeps.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -r requirements-nodeps.txt
	rm -f $(VENV)/.installed-* && touch $@

demo: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py loaddata biden_putin_2021
	$(PY) manage.py align biden-putin-2021-12-07
	$(PY) manage.py collectstatic --noinput --verbosity 0
	@echo "To tag alignments, make an editor account (asks for a password; there is no default one):"
	@echo "    SECRET_KEY=\"\$$(cat $(SECRET_KEY_FILE))\" $(PY) manage.py make_editor YOUR-NAME"
	@echo "then log in from any page (top right) or at http://$(HOST)/admin/."
	@echo "newsdiff is serving on http://$(HOST)/ (Ctrl-C stops it)"
	$(PY) manage.py runserver $(HOST) --noreload

# The demo served by gunicorn (the production server) instead of runserver; whitenoise serves
# the compressed, hashed static files. WORKERS and HOST as you like; settings from the environment.
# Threaded workers (gthread): a sync worker is killed after 30 s inside one request, and a streamed
# export of a 1,000-article story takes longer than that; a threaded worker's liveness is its own.
WORKERS ?= 2
THREADS ?= 4
serve: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput --verbosity 0
	@echo "newsdiff (gunicorn, $(WORKERS) workers) on http://$(HOST)/ (Ctrl-C stops it)"
	$(VENV)/bin/gunicorn newsdiff.wsgi --bind $(HOST) --workers $(WORKERS) --worker-class gthread --threads $(THREADS) \
		--access-logfile - --error-logfile -

test: install browser
	$(PY) -m pytest

# The same suite on PostgreSQL: scripts/with_postgres.sh starts a throwaway cluster in .tmp/pg
# (a unix socket only, no TCP port), runs pytest with DATABASE_URL pointing at it, and stops
# and removes it however the run ends.
test-postgres: install browser postgresql
	scripts/with_postgres.sh $(PY) -m pytest

# Debian's PostgreSQL server, installed under CI or as root, like Chromium above.
postgresql:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
	  if [ "$$CI" = "true" ] || [ "$$(id -u)" = "0" ]; then \
	    echo "installing postgresql for make test-postgres"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null; \
	  else echo "no PostgreSQL server for make test-postgres: sudo apt-get install postgresql" >&2; exit 1; fi; }

# The browser tests drive Debian's Chromium (Playwright's own download does not work here).
# Installed under CI or as root; otherwise those tests skip and say why.
browser:
	@test -x $(CHROMIUM) || { \
	  if [ "$$CI" = "true" ] || [ "$$(id -u)" = "0" ]; then \
	    echo "installing chromium for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "no $(CHROMIUM): browser tests will be skipped (sudo apt-get install chromium)"; fi; }

# The fuzz tests with many more examples than the normal suite runs: 2,000 story files and
# folders, 500 query strings for every page and admin list (each example is 15 requests).
FUZZ_EXAMPLES ?= 2000
FUZZ_REQUEST_EXAMPLES ?= 500
fuzz: install
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) FUZZ_REQUEST_EXAMPLES=$(FUZZ_REQUEST_EXAMPLES) \
	  $(PY) -m pytest tests/test_fuzz_storyfile.py tests/test_fuzz_requests.py --hypothesis-show-statistics

# Rebuild the demo fixture after changing the seed story folder or the text pipeline.
fixture: install
	$(PY) manage.py migrate --noinput --verbosity 0
	$(PY) manage.py build_fixture fixtures/stories/biden-putin-2021-12-07 fixtures/biden_putin_2021.json --tags fixtures/demo_tags.toml

clean:
	rm -rf $(VENV) staticfiles .pytest_cache test-artifacts .tmp
