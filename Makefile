# Two commands: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PG_URL ?= postgres://postgres@127.0.0.1:5432/lokale
SQLITE_URL := sqlite:///$(CURDIR)/.test-db.sqlite3
DEV := DJANGO_DEBUG=true

.PHONY: run test install install-dev lint bench clean

$(VENV)/.run: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.run requirements-dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

install: $(VENV)/.run
install-dev: $(VENV)/.dev

run: install
	$(DEV) $(PY) manage.py migrate --noinput
	$(DEV) $(PY) manage.py seed_demo
	$(DEV) $(PY) manage.py runserver 127.0.0.1:8000

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test: install-dev lint
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

clean:
	rm -rf $(VENV) db.sqlite3 .test-db.sqlite3 staticfiles
