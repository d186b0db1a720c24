# Two commands: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PG_URL ?= postgres://postgres@127.0.0.1:5432/lokale
SQLITE_URL := sqlite:///$(CURDIR)/.test-db.sqlite3
DEV := DJANGO_DEBUG=true

.PHONY: run test install install-dev messages browser lint bench clean

$(VENV)/.run: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.run requirements-dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

install: $(VENV)/.run messages
install-dev: $(VENV)/.dev messages

# Translations are compiled from the .po files on every build (the .mo files are not kept).
messages: $(VENV)/.run
	$(PY) scripts/compile_messages.py

# What the browser tests need: Debian's Chromium and axe-core from the npm registry.
browser: node_modules/.package-lock.json
	command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

run: install
	$(DEV) $(PY) manage.py migrate --noinput
	$(DEV) $(PY) manage.py seed_demo
	$(DEV) $(PY) manage.py runserver 127.0.0.1:8000

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

test: install-dev lint browser
	bash scripts/services.sh
	$(DEV) $(PY) manage.py check --fail-level WARNING
	$(DEV) $(PY) manage.py makemigrations --check --dry-run
	@echo "== pytest on PostgreSQL ($(PG_URL))"
	DATABASE_URL=$(PG_URL) $(VENV)/bin/pytest
	@echo "== pytest on SQLite"
	DATABASE_URL=$(SQLITE_URL) $(VENV)/bin/pytest

bench: install-dev
	bash scripts/services.sh
	DATABASE_URL=$(PG_URL) $(PY) bench/run.py
	DATABASE_URL=$(PG_URL) $(PY) bench/opening_day.py
	DATABASE_URL=$(PG_URL) $(PY) bench/week_page.py
	DATABASE_URL=$(PG_URL) $(PY) bench/week_grid.py
	DATABASE_URL=$(PG_URL) $(PY) bench/series.py
	DATABASE_URL=$(PG_URL) $(PY) bench/lending.py
	DATABASE_URL=$(PG_URL) $(PY) bench/calendars.py
	DATABASE_URL=$(PG_URL) $(PY) bench/sweep_query.py
	DATABASE_URL=$(PG_URL) $(PY) bench/week_query.py
	DATABASE_URL=$(PG_URL) $(PY) bench/enhetsregisteret.py
	DATABASE_URL=$(PG_URL) $(PY) bench/seasons.py
	DATABASE_URL=$(PG_URL) $(PY) bench/directory.py

clean:
	rm -rf $(VENV) node_modules db.sqlite3 .test-db.sqlite3 staticfiles
