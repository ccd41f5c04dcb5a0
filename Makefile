# Governance Academy — `make run` for the demo, `make test` for the suite.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Find a Python >= 3.12 on its own: an explicit PYTHON=..., then the usual names
# (pyenv shims included, which honour .python-version).
PYTHON ?= $(shell for p in python3.13 python3.12 python3.14 python3 python; do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then \
	command -v $$p; break; fi; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help install run test serve worker migrate lint format clean check-python soak faults bench messages

help:
	@echo "make run     install, migrate, load demo data and serve on http://$(HOST):$(PORT)"
	@echo "make test    install and run the whole test suite"
	@echo "make serve   production server (gunicorn + whitenoise); needs the env vars in README"
	@echo "make worker  background task worker (django_tasks_db)"
	@echo "make lint    ruff check and format check"
	@echo "make bench   scale data on PostgreSQL, then page, throughput and PDF budgets (docs/performance.md)"

check-python:
	@if [ -z "$(PYTHON)" ]; then \
		echo "error: Python 3.12 or newer is required (tried python3.13, python3.12, python3.14, python3, python)." >&2; \
		echo "       Install one (e.g. 'pyenv install 3.13' or your system's python3.13) or run: make PYTHON=/path/to/python3.13 ..." >&2; \
		exit 1; fi

# The venv is rebuilt when the pinned requirements change; otherwise this is a no-op.
$(STAMP): requirements-dev.txt requirements.txt | check-python
	@if [ ! -x $(BIN)/python ] || ! $(BIN)/python -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
		rm -rf $(VENV) && $(PYTHON) -m venv $(VENV); fi
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $(STAMP)

install: $(STAMP)

migrate: install
	DEBUG=true $(BIN)/python manage.py migrate --noinput -v 0
	DEBUG=true $(BIN)/python manage.py createcachetable

run: migrate
	DEBUG=true $(BIN)/python manage.py seed_demo
	@echo ""
	@echo "Serving on http://$(HOST):$(PORT)/  (Ctrl-C to stop). Emails are printed here."
	DEBUG=true $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Spanish: collect new strings into locale/es/LC_MESSAGES/django.po (needs GNU gettext's
# xgettext), translate them there, then compile the .mo Django reads (committed with the .po).
messages: install
	DEBUG=true $(BIN)/python manage.py makemessages -l es --no-location --ignore=.venv --ignore=var
	$(BIN)/python scripts/compile_messages.py

# Production: SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL, ... come from the environment.
serve: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py createcachetable
	$(BIN)/python manage.py collectstatic --noinput -v 0
	$(BIN)/gunicorn academy.wsgi:application --bind $(HOST):$(PORT) \
		--workers $${WEB_CONCURRENCY:-$$(nproc)} --access-logfile - --forwarded-allow-ips="$${FORWARDED_ALLOW_IPS:-127.0.0.1}"

# The task worker plus the scheduler of periodic jobs (reminders, sweeps); both stop together.
worker: install
	export TASKS_BACKEND=$${TASKS_BACKEND:-django_tasks_db.DatabaseBackend}; \
	trap 'kill 0' EXIT INT TERM; \
	$(BIN)/python manage.py scheduler & \
	$(BIN)/python manage.py db_worker

# Loopback drills on a database of their own (PostgreSQL at DATABASE_URL's server, else
# 127.0.0.1:5432); not part of `make test`. See README, "Deployment".
SOAK_SECONDS ?= 300
soak: install
	$(BIN)/python scripts/soak.py --seconds $(SOAK_SECONDS)

# Restarts the PostgreSQL server itself: only where nothing else is using it.
faults: install
	$(BIN)/python scripts/pg_restart_under_load.py

# The benchmark: its own PostgreSQL database (BENCH_DATABASE_URL), seeded once with
# `seed_scale` and reused; production settings (DEBUG off), Redis as the cache when it answers.
# Results: a table here and JSON under var/bench/. BENCH_ARGS="--repeats 10" for a quick look.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/academy_bench
bench: install
	@command -v wrk >/dev/null || { echo "error: make bench needs wrk (Debian: apt-get install wrk)" >&2; exit 1; }
	@command -v psql >/dev/null || { echo "error: make bench needs PostgreSQL's client tools (psql)" >&2; exit 1; }
	export DATABASE_URL="$(BENCH_DATABASE_URL)" DEBUG=false BENCH=true \
		SECRET_KEY=bench-only-not-a-secret-0123456789abcdefghijklmnop \
		ALLOWED_HOSTS=127.0.0.1,localhost,testserver SECURE_SSL_REDIRECT=false \
		TASKS_BACKEND=django_tasks_db.DatabaseBackend EMAIL_URL=dummymail:// \
		MEDIA_ROOT=$(CURDIR)/var/bench/media LOG_LEVEL=ERROR VERIFY_RATE_LIMIT=1000000/m/ip; \
	if redis-cli -h 127.0.0.1 ping >/dev/null 2>&1; then export REDIS_URL=redis://127.0.0.1:6379/3; fi; \
	psql "$$DATABASE_URL" -c 'SELECT 1' >/dev/null 2>&1 \
		|| psql -q "$${DATABASE_URL%/*}/postgres" -c "CREATE DATABASE $${DATABASE_URL##*/}"; \
	$(BIN)/python manage.py migrate --noinput -v 0 && \
	$(BIN)/python manage.py createcachetable && \
	$(BIN)/python manage.py collectstatic --noinput -v 0 && \
	$(BIN)/python manage.py seed_scale --reuse && \
	$(BIN)/python manage.py bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var/staticfiles .pytest_cache
