# The two commands of the README: `make run` and `make test`. Everything else here serves them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DATA := instance
RUN_ENV = HELPDESK_DATA_DIR=$(CURDIR)/$(DATA)
RUN_DATABASE_URL ?= sqlite:///$(CURDIR)/$(DATA)/helpdesk.sqlite3

.PHONY: run test install install-test serve-demo test-sqlite test-postgres clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

$(DATA)/secret_key:
	mkdir -p $(DATA)
	$(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(48))' > $@
	chmod 600 $@

## make run: install, migrate SQLite, seed the demo, serve on http://127.0.0.1:5000 with jobs in process
run: install $(DATA)/secret_key
	$(RUN_ENV) DATABASE_URL=$(RUN_DATABASE_URL) SECRET_KEY=$$(cat $(DATA)/secret_key) $(BIN)/helpdesk init-db
	$(RUN_ENV) DATABASE_URL=$(RUN_DATABASE_URL) SECRET_KEY=$$(cat $(DATA)/secret_key) $(BIN)/helpdesk demo
	@echo "Serving on http://127.0.0.1:5000 (Ctrl-C to stop)"
	$(RUN_ENV) DATABASE_URL=$(RUN_DATABASE_URL) SECRET_KEY=$$(cat $(DATA)/secret_key) $(BIN)/helpdesk serve --host 127.0.0.1 --port 5000

## make test: install the test extras and run the whole suite (SQLite, and PostgreSQL/Redis when present)
test: install-test
	$(BIN)/python tests/run_suite.py

clean:
	rm -rf $(VENV) $(DATA) .pytest_cache
