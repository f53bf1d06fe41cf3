# Mouwakaba — the two commands of the quick start are `make run` and `make test`.
PORT ?= 8000
DEMO_PERSONS ?= 300
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
RUNTIME := $(VENV)/.runtime-installed
DEV := $(VENV)/.dev-installed

.PHONY: run test install install-dev messages compilemessages lint typecheck test-sqlite test-postgres test-browser check-translations bench clean

## run: install, migrate, load reference and demo data, serve on 127.0.0.1:$(PORT) (SQLite)
run: $(RUNTIME) compilemessages
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_reference
	$(PY) manage.py load_demo --persons $(DEMO_PERSONS)
	@echo "Mouwakaba on http://127.0.0.1:$(PORT)/ — demo accounts: see README.md (password mouwakaba-demo)"
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

## test: lint, types, migrations and translations checks, the suite on SQLite and PostgreSQL, browser tests
test: $(DEV) compilemessages lint typecheck check-translations test-sqlite test-postgres test-browser
	@echo "make test: all checks passed"

$(RUNTIME): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(DEV): $(RUNTIME) pyproject.toml
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(RUNTIME)
install-dev: $(DEV)

compilemessages: $(RUNTIME)
	@scripts/ensure-apt gettext msgfmt
	$(PY) manage.py compilemessages --ignore=.venv -v 0

## messages: refresh locale/ar and locale/fr from the code (then translate what is new)
messages: $(RUNTIME)
	$(PY) manage.py makemessages -l ar -l fr --ignore=.venv --ignore=var --ignore=e2e --ignore=bench --add-location=file --no-obsolete

check-translations: $(DEV)
	$(PY) manage.py check_translations

lint: $(DEV)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(DEV)
	$(BIN)/mypy

test-sqlite: $(DEV) compilemessages
	$(PY) manage.py makemigrations --check --dry-run
	scripts/pytest-strict $(BIN)/pytest mouwakaba

test-postgres: $(DEV) compilemessages
	@scripts/test-postgres

test-browser: $(DEV) compilemessages
	@scripts/test-browser

bench: $(DEV)
	@ls bench/*.py >/dev/null 2>&1 && for f in bench/*.py; do $(PY) $$f; done || echo "no benchmarks yet"

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
