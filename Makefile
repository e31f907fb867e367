# The two commands a newcomer needs: `make run` and `make test`. Both set up from nothing.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-fast typecheck lint fmt bench ci venv migrate seed messages clean loadtest

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/activate requirements.txt requirements-dev.txt
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed

migrate: venv
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

## Start the portal on the embedded default (SQLite, eager Celery, console e-mail).
run: seed
	@echo "Serving on http://$(HOST):$(PORT)/  (stop with Ctrl-C)"
	$(PY) manage.py runserver $(HOST):$(PORT)

## Run the whole test suite (PostgreSQL/Redis when DATABASE_URL/REDIS_URL are set) with branch
## coverage: fails under [tool.coverage.report] fail_under, then the per-module gate
## (.ci/coverage_gate.py: 100 % of lines in services, selectors, rules and domain modules).
test: venv
	$(BIN)/pytest --cov --cov-report=term-missing:skip-covered $(PYTEST_ARGS)
	$(PY) .ci/coverage_gate.py

## The quick loop: everything but the browser (Playwright) and real-worker (Celery) tests.
test-fast: venv
	$(BIN)/pytest -m "not browser and not celery_worker" $(PYTEST_ARGS)

## mypy with django-stubs on the services, selectors, rules and domain modules.
TYPED := accounts/services.py accounts/selectors.py \
	applications/services applications/selectors.py applications/rules.py \
	applications/requirements.py applications/consent.py applications/enums.py \
	programs/services programs/selectors.py programs/rules.py programs/enums.py \
	reviews/services reviews/selectors reviews/rules.py reviews/scoring.py \
	reviews/assignment.py reviews/enums.py \
	notifications/services.py notifications/selectors.py notifications/rules.py \
	notifications/enums.py
typecheck: venv
	$(BIN)/mypy $(TYPED)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: venv
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## Speed measurements (pytest-benchmark); not part of `make test`.
bench: venv
	$(BIN)/pytest tests/benchmarks --benchmark-only --benchmark-columns=min,median,mean,max,rounds -p no:cacheprovider $(PYTEST_ARGS)

## Recompile translations after editing locale/*/LC_MESSAGES/django.po (needs GNU gettext).
messages: venv
	$(PY) manage.py makemessages -l ko -l ja --no-obsolete --ignore=.venv --ignore=staticfiles --ignore=tests --ignore=media
	$(PY) manage.py compilemessages --ignore=.venv

## What CI runs (starts services, installs Debian packages, lints, checks and tests).
ci:
	bash .ci/run

clean:
	rm -rf $(VENV) staticfiles .pytest_cache

## The deadline minute: 300 applicants submit within 60 s to gunicorn + PostgreSQL + a worker
## (needs PostgreSQL and Redis; LOADTEST_DATABASE_URL is dropped and re-created). Not in CI.
loadtest: venv
	$(PY) -m loadtest.run $(LOADTEST_ARGS)
