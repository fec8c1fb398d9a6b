# kejiju — the county science & technology bureau portal.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
DEB_PACKAGES := fonts-noto-cjk poppler-utils chromium chromium-driver
PG_URL ?= postgres://postgres@127.0.0.1:5432/kejiju
REDIS_URL ?= redis://127.0.0.1:6379/0
PYTEST_ARGS ?=
BENCH ?=
PORT ?= 8000
# axe-core, the accessibility checker the browser tests inject (tests/test_accessibility.py); the
# npm package's axe.min.js is kept in tests/assets/axe-core, and `make axe-core` refreshes it
AXE_VERSION := 4.14.1

# $(call apt_install,packages): apt-get the missing ones when root, otherwise say what is missing.
define apt_install
missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
if [ -n "$$missing" ]; then \
  if [ "$$(id -u)" = 0 ]; then \
    echo "installing:$$missing"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
  else echo "missing Debian packages (install them as root):$$missing"; fi; \
fi
endef

.DEFAULT_GOAL := help
.PHONY: help run test test-fast test-sqlite test-postgres lint fmt check bench prod-local system-packages cjk-font migrate demo services axe-core

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e ".[dev]"
	touch $(STAMP)

system-packages: ## install the Debian packages the tests need (CJK font, poppler, Chromium) when root
	@$(call apt_install,$(DEB_PACKAGES))

cjk-font: # make run needs only a CJK font (for the PDFs), and only when none is present
	@if ! fc-list :lang=zh 2>/dev/null | grep -q .; then $(call apt_install,fonts-noto-cjk); fi

axe-core: ## fetch axe-core $(AXE_VERSION) from the npm registry into tests/assets/axe-core
	@tmp=$$(mktemp -d) && cd $$tmp && npm pack --silent axe-core@$(AXE_VERSION) >/dev/null && \
	tar -xzf axe-core-$(AXE_VERSION).tgz && \
	cp package/axe.min.js package/LICENSE $(CURDIR)/tests/assets/axe-core/ && rm -rf $$tmp && \
	head -c 20 $(CURDIR)/tests/assets/axe-core/axe.min.js && echo

migrate: $(STAMP)
	$(PY) manage.py migrate --noinput

demo: migrate ## load the demo county and the demo accounts
	$(PY) manage.py load_demo

run: cjk-font $(STAMP) ## set up what is missing and serve http://127.0.0.1:8000 on SQLite (PORT=…)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	@echo; echo "门户地址：http://127.0.0.1:$(PORT)/"
	DJANGO_DEBUG=1 $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: system-packages $(STAMP) ## install what is missing and run the whole suite on SQLite and PostgreSQL
	$(MAKE) test-sqlite
	$(MAKE) test-postgres

test-sqlite: $(STAMP) ## the whole suite on SQLite only
	@echo "== suite on SQLite"
	@$(PY) -m pytest -q $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc = 5 ]; then echo "pytest collected no tests: that is a failure"; fi; exit $$rc

test-postgres: $(STAMP) ## the whole suite on PostgreSQL only (PG_URL, default database kejiju)
	@echo "== suite on PostgreSQL"
	@DATABASE_URL=$(PG_URL) $(PY) -m pytest -q $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc = 5 ]; then echo "pytest collected no tests: that is a failure"; fi; exit $$rc

test-fast: $(STAMP) ## the suite without browser and service tests, on SQLite
	$(PY) -m pytest -q -m "not slow" $(PYTEST_ARGS)

lint: $(STAMP) ## ruff
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

fmt: $(STAMP) ## ruff format and ruff's fixes
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

check: $(STAMP) ## Django system checks and missing migrations
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

bench: $(STAMP) ## run the benchmarks in bench/ (BENCH=load runs bench/bench_load.py only)
	@if [ -n "$(BENCH)" ]; then $(PY) bench/bench_$(BENCH).py; else $(PY) bench/run.py; fi

prod-local: $(STAMP) ## gunicorn + Celery worker + beat on the local PostgreSQL and Redis
	deploy/prod-local.sh
