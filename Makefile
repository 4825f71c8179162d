# The two commands of the README: `make demo` and `make test`.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint format messages

$(STAMP): pyproject.toml package.json package-lock.json
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	npm ci --no-audit --no-fund --loglevel=error
	touch $(STAMP)

## Install and run the platform with demo data on the embedded SQLite database.
demo: $(STAMP)
	$(BIN)/smartcity demo

## Install what the tests need (incl. Chromium) and run the whole suite: SQLite always,
## PostgreSQL too when SMARTCITY_TEST_DATABASE_URL is set.
test: $(STAMP)
	scripts/ensure-chromium
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	env -u SMARTCITY_TEST_DATABASE_URL $(BIN)/pytest -p no:cacheprovider
	@if [ -n "$$SMARTCITY_TEST_DATABASE_URL" ]; then \
		echo "--- again on $$SMARTCITY_TEST_DATABASE_URL"; \
		$(BIN)/pytest -p no:cacheprovider; \
	fi

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## Extract and compile translations (needs GNU gettext).
messages: $(STAMP)
	mkdir -p src/smartcity/locale/de/LC_MESSAGES src/smartcity/locale/en/LC_MESSAGES
	cd src/smartcity && $(abspath $(BIN))/django-admin makemessages -l de -l en \
		--settings=tests.settings --pythonpath=$(CURDIR) --ignore='tests/*' --ignore='*/tests/*'
	$(BIN)/python scripts/compile-messages
