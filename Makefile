# Ume — two commands: `make run` (set up and serve) and `make test` (whole suite).
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= ume.settings.dev

# Find a Python >= 3.12: $PYTHON, python3.13, python3.12, python3, then pyenv's installed versions.
define find_python
for c in "$$PYTHON" python3.13 python3.12 python3 $$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.1[3-9]*/bin/python3 $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.12*/bin/python3 2>/dev/null); do \
  [ -n "$$c" ] || continue; \
  if "$$c" -c 'import sys; assert sys.version_info >= (3,12)' >/dev/null 2>&1; then echo "$$c"; exit 0; fi; \
done; exit 1
endef

.PHONY: run setup venv deps migrate demo test test-sqlite test-pg e2e-deps lint bench mutation hand-mutations i18n messages worker clean

$(VENV)/.installed: pyproject.toml requirements.lock
	@py=$$($(find_python)) || { echo "Ume needs Python >= 3.12 (Django 6). Install python3.13 or python3.12 (e.g. 'apt-get install python3.13-venv' or pyenv), or set PYTHON=/path/to/python3.12+"; exit 1; }; \
	echo "Using $$py"; [ -x $(PY) ] || "$$py" -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c requirements.lock -e '.[dev]'
	@touch $@

venv deps: $(VENV)/.installed

setup: deps
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_reference
	$(PY) manage.py seed_demo

# The server, the task worker that sends its mail (invitations) and the daily reminders, all
# stopped by one Ctrl-C.
REMINDERS_AT ?= 07:00
run: setup
	@echo "Ume: http://$(HOST):$(PORT)/  (Ctrl-C stops the server and the workers; mail is printed here and kept in var/mail/)"
	@$(PY) manage.py db_worker & worker=$$!; \
	$(PY) manage.py send_reminders --daily $(REMINDERS_AT) & reminders=$$!; \
	trap 'kill $$worker $$reminders 2>/dev/null; wait $$worker $$reminders 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)

# In production: the task worker and the daily reminders (REMINDERS_AT, local time).
worker: deps
	@$(PY) manage.py send_reminders --daily $(REMINDERS_AT) & reminders=$$!; \
	trap 'kill $$reminders 2>/dev/null; wait $$reminders 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py db_worker

# The whole suite: lint, translations, unit/integration tests, then end-to-end flows in Chromium.
# Tests run in random order (pytest-randomly); each run ends with its seed: rerun that order with
# `pytest --randomly-seed=N`, or turn shuffling off with `-p no:randomly`.
test: deps
	$(VENV)/bin/ruff check ume tests
	$(VENV)/bin/ruff format --check ume tests
	$(VENV)/bin/lint-imports --no-cache
	$(PY) manage.py check_translations
	DJANGO_SETTINGS_MODULE=ume.settings.test $(PY) -m pytest -n 2 -m "not e2e" -q
	DJANGO_SETTINGS_MODULE=ume.settings.test DJANGO_ALLOW_ASYNC_UNSAFE=true $(PY) -m pytest -m e2e -q

bench: deps
	DJANGO_SETTINGS_MODULE=ume.settings.test $(PY) -m tests.bench

# Mutation testing of the foundation (not in CI: the full set takes hours on 2 cores). mutmut
# mutates the modules in pyproject.toml's [tool.mutmut] only_mutate, runs for each mutant only the
# tests that reach it, then prints killed/survived per module and lists the survivors. Results are
# kept in mutants/, so a rerun tests only changed functions. One module (make cannot take --only):
#   make mutation ONLY=ume/core/policies.py      (or ONLY=core.policies, ONLY=ume/core/services/)
# After adding tests, `make mutation ONLY=... SURVIVORS=1` tests again only the mutants that survived.
# MUTATION_JOBS mutants run at once; MUTATION_VAR is the var dir (test databases, uploads) of the run.
ONLY ?=
SURVIVORS ?=
MUTATION_JOBS ?= 2
MUTATION_VAR ?= $(CURDIR)/var/mutation
mutation: deps
	env -u DATABASE_URL -u UME_MEDIA_ROOT UME_VAR_DIR=$(MUTATION_VAR) DJANGO_SETTINGS_MODULE=ume.settings.test \
	  $(PY) scripts/mutation_report.py --jobs $(MUTATION_JOBS) $(foreach m,$(ONLY),--only $(m)) \
	  $(foreach t,$(TESTS),--tests $(t)) \
	  $(if $(SURVIVORS),--survivors)

# The foundation's known bugs (permission checks removed, versions ignored, the audit hash and the
# SoA digest weakened, imports not all-or-nothing, cross-organisation checks dropped) put back one
# at a time into a copy of the project; each must fail a test. About 10 minutes; not part of CI.
hand-mutations: deps
	$(PY) scripts/hand_mutations.py $(foreach w,$(ONLY),--only $(w))

lint: deps
	$(VENV)/bin/ruff check ume tests
	$(VENV)/bin/ruff format --check ume tests
	$(VENV)/bin/lint-imports --no-cache

# Refresh the .po catalogues from the code, then compile them (.mo files are committed so `make run` needs no gettext).
# A fuzzy entry's previous msgctxt/msgid_plural comments ("#|") make msgmerge skip entries
# silently: they go before each merge.
messages: deps
	sed -i '/^#| msgid_plural/d;/^#| msgctxt/d' ume/locale/ja/LC_MESSAGES/django.po
	cd ume && ../$(PY) ../manage.py makemessages -l ja --no-obsolete --ignore 'static/*' --ignore 'settings/*'
	$(MAKE) i18n

i18n: deps
	$(PY) manage.py compile_translations

# Debian packages the tests need (run as root by .ci/run): PostgreSQL, Chromium, a Japanese font, poppler-utils.
e2e-deps:
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	  postgresql chromium fonts-ipaexfont-gothic poppler-utils gettext >/dev/null

clean:
	rm -rf $(VENV) var staticfiles
