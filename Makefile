# Two commands for a newcomer: `make run` and `make test`. Everything else supports them.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
LOCALES := locales
DOMAIN := messages
PYBABEL := $(BIN)/pybabel

.PHONY: run test install install-test venv migrate lint types unit i18n-extract i18n-update i18n-compile i18n clean bench lock lock-upgrade

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

# Installs come from the lock files only: exact versions, every file checked against its hash,
# pip, setuptools and wheel included (pip upgrades itself to its pinned version there). The
# project itself goes in after, without dependencies and with the pinned build backend.
# A stamp per dependency set, so a second `make run` starts at once.
$(VENV)/.installed: requirements.lock pyproject.toml | $(BIN)/activate
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

$(VENV)/.installed-test: requirements-test.lock $(VENV)/.installed
	$(PY) -m pip install --quiet --require-hashes -r requirements-test.lock
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

i18n-extract: install
	$(PYBABEL) extract -F babel.cfg -k _ -k __ -k lazy_gettext -k ngettext:1,2 -k N_ -k A_ -k you:2 \
		--add-comments=Translators: --sort-by-file --no-wrap \
		--project=mentorbot --copyright-holder=mentorbot \
		-o $(LOCALES)/$(DOMAIN).pot .

i18n-update: i18n-extract
	$(PYBABEL) update -i $(LOCALES)/$(DOMAIN).pot -d $(LOCALES) -D $(DOMAIN) --no-wrap --ignore-obsolete
	$(PY) scripts/sync_en_catalog.py $(LOCALES)/en/LC_MESSAGES/$(DOMAIN).po

i18n-compile: install
	$(PYBABEL) compile -d $(LOCALES) -D $(DOMAIN) --statistics

i18n: i18n-update i18n-compile

migrate: install i18n-compile
	$(PY) -m bot migrate

run: migrate
	$(PY) -m bot run

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

types: install-test
	$(BIN)/mypy

# Two workers: the end-to-end tests spend most of their time waiting for the bot process.
unit: install-test i18n-compile
	$(BIN)/pytest -q -n 2

test: lint types unit


# The lock files from pyproject.toml, for the Linux x86_64 CPython 3.11 of the Docker image and
# CI, with the hashes of every file of each release. `make lock` keeps the pinned versions that
# still fit pyproject.toml (after adding or changing a dependency); `make lock-upgrade` moves
# everything to the newest versions that fit. The test lock keeps the runtime lock's versions.
UV_VERSION := 0.13.8
LOCK_FLAGS = --quiet --generate-hashes --python-version 3.11 \
	--python-platform x86_64-unknown-linux-gnu --custom-compile-command "make lock" $(LOCK_UPGRADE)

lock: | $(BIN)/activate
	$(PY) -m pip install --quiet "uv==$(UV_VERSION)"
	$(BIN)/uv pip compile pyproject.toml --group install $(LOCK_FLAGS) -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml --group install --extra test -c requirements.lock \
		$(LOCK_FLAGS) -o requirements-test.lock

lock-upgrade: LOCK_UPGRADE = --upgrade
lock-upgrade: lock

# Speed and memory goals (not part of `make test`): prints a table, writes bench/results/.
bench: install
	$(PY) -m bench

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
	find $(LOCALES) -name '*.mo' -delete
