# Qualipref — the two commands of the README: `make run` and `make test`.
# Everything lands in the working copy: the virtual environment in .venv/, data, media and queues in var/.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
PORT ?= 8000
STAMP := $(VENV)/.installed
# Same default as settings.py (QUALIPREF_VAR_DIR): SQLite database, media, Celery queues and beat's files.
VAR_DIR := $(or $(QUALIPREF_VAR_DIR),var)

.PHONY: install run test quality format migrate demo clean

# Pinned dependencies, installed again only when a requirements file changes.
$(STAMP): requirements/base.txt requirements/dev.txt requirements/constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' \
		|| { echo "Qualipref requiert Python 3.11 (PYTHON=$(PYTHON))." >&2; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements/dev.txt
	touch $(STAMP)

install: $(STAMP)

migrate: install
	mkdir -p $(VAR_DIR)/media $(VAR_DIR)/celery
	$(MANAGE) migrate --noinput

demo: migrate
	$(MANAGE) load_demo

# Web server, Celery worker and beat (kombu's filesystem transport, schedules in the database through
# django-celery-beat, whose tables `migrate` created). Ctrl-C stops all three; so does the end of any of them.
run: demo
	@echo "Qualipref : http://127.0.0.1:$(PORT)/ — Ctrl-C arrête le serveur web, le worker et beat."
	@pids=""; \
	trap 'trap - INT TERM EXIT; kill $$pids 2>/dev/null; wait' INT TERM EXIT; \
	$(BIN)/celery -A qualipref worker --loglevel=INFO --concurrency=2 --hostname=qualipref@%h \
		--without-heartbeat --without-gossip --without-mingle & pids="$$pids $$!"; \
	$(BIN)/celery -A qualipref beat --loglevel=INFO --schedule=$(VAR_DIR)/celery/beat-schedule --pidfile= \
		& pids="$$pids $$!"; \
	$(MANAGE) runserver 127.0.0.1:$(PORT) & pids="$$pids $$!"; \
	wait -n

# One pytest process per core (pytest-xdist): a test module stays in one process, which loads its demo once. The
# modules are handed out in the order tests/database_state.py gives them (--no-loadscope-reorder): pytest-xdist's own
# order, most tests first, left the one long test of a module of its own (schemathesis, 60 to 70 s) to the end, with
# the other process idle meanwhile.
# Bytecode written even where the environment says not to (PYTHONDONTWRITEBYTECODE): each process imports every
# test module and the whole project, and pytest rewrites the tests' asserts; compiling it all again at each run
# doubled the collection's time (30 s against 56 to 63 s, measured on a loaded machine). __pycache__ is ignored by git.
TEST_PROCESSES ?= auto
test: install
	env -u PYTHONDONTWRITEBYTECODE $(BIN)/pytest -n $(TEST_PROCESSES) --dist loadfile --no-loadscope-reorder

quality: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/djlint --lint templates
	$(MANAGE) makemigrations --check --dry-run

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .
	$(BIN)/djlint --reformat templates

clean:
	rm -rf $(VENV) var
