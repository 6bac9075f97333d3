# Two commands matter to a newcomer: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install translations messages lint audit check bench bench-reminders loadtest stack-test clean-embedded

$(STAMP): pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade "pip>=24"
	$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

translations: $(STAMP)
	$(VENV)/bin/pybabel compile --statistics -d locale -D django

# Extract new strings into the .po files (needs GNU gettext); translate them, then `make translations`.
messages: $(STAMP)
	$(PY) manage.py makemessages -l da -l en --no-obsolete --no-location --ignore=.venv --ignore=tests --ignore=staticfiles

# honcho runs web, worker and beat from Procfile.embedded (circular_cities/embedded.py sets the environment and
# prints where to go; docs/conventions.md, Infrastructure).
run: translations
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) -m circular_cities.embedded --host $(HOST) --port $(PORT) || test $$? -eq 130  # 130: stopped with Ctrl-C

test: translations
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .

# Every pinned dependency (constraints.txt) against the known vulnerabilities PyPI publishes (pip-audit); exit
# status 1 on any (.ci/audit.py; docs/conventions.md, Dependencies).
audit: $(STAMP)
	$(PY) .ci/audit.py

check: $(STAMP)
	$(PY) manage.py makemigrations --check --dry-run
	DJANGO_PRODUCTION=1 DJANGO_SECRET_KEY=check-only-$$(date +%s)-x7Qm2pL9vR4tY8wE3nB6cJ1kH5aZ0d \
	  DJANGO_ALLOWED_HOSTS=example.org SITE_URL=https://example.org $(PY) manage.py check --deploy --fail-level WARNING

# Reminder scan at 1×, 10× and 100× the demo timeline, in a throwaway SQLite database (notifications/bench.py).
bench-reminders: $(STAMP)
	$(PY) -m notifications.bench $(BENCH_ARGS)

# The main pages at national scale on gunicorn + PostgreSQL (database cc_bench only), as multiples of a
# trivial view of the same server, while a writer posts through the forms: one table as pages are normally met,
# one with every cache empty, then the report-file build times (bench/run.py; docs/performance.md).
# BENCH_OPTS="--duration 20 --cold-rounds 5" etc.
bench: $(STAMP)
	$(PY) -m bench.run $(BENCH_OPTS)

# 50 users for 5 minutes on gunicorn with a PostgreSQL cluster, a Redis and an SMTP server of its own (under
# var/loadtest); it restarts PostgreSQL, SIGKILLs the worker as the SMTP server accepts a reminder, stops Redis;
# then checks that no reminder was lost or delivered twice and that each e-mail has one Message-ID
# (bench/loadtest.py; docs/reliability.md). LOADTEST_OPTS="--seconds 600" etc.
loadtest: $(STAMP)
	$(PY) -m bench.loadtest $(LOADTEST_OPTS)

# The production stack (Dockerfile, docker-compose.yml) built and run on this machine, as root: installs and
# starts the Docker Engine if missing, makes the base images with debootstrap, builds the image, starts
# PostgreSQL, Redis, two web replicas, a worker, beat and an SMTP sink; logins, a reminder, backup and restore,
# a restart; then tears it all down and prints a table of the steps (ops/stack_test.py; docs/deployment.md).
# Not part of .ci/run (it takes minutes). STACK_TEST_OPTS="--keep" leaves the stack running.
stack-test:
	python3 ops/stack_test.py $(STACK_TEST_OPTS)

clean-embedded:
	rm -rf var
