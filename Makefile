# Two commands for a newcomer: `make run` and `make test`. Everything else supports them.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
LOCALES := locales
DOMAIN := messages
PYBABEL := $(BIN)/pybabel

.PHONY: run test install install-test venv migrate lint types unit i18n-extract i18n-update i18n-compile i18n clean bench

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

venv: $(BIN)/activate

# A stamp per dependency set, so a second `make run` starts at once.
$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[test]'
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


# Speed and memory goals (not part of `make test`): prints a table, writes bench/results/.
bench: install
	$(PY) -m bench

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
	find $(LOCALES) -name '*.mo' -delete
