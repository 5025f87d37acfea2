# Qualipref — the two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: install run test quality format migrate demo clean

$(STAMP): requirements/base.txt requirements/dev.txt requirements/constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements/dev.txt
	touch $(STAMP)

install: $(STAMP)

migrate: install
	mkdir -p var/media
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py load_demo

# Web server, Celery worker and beat over kombu's filesystem transport; Ctrl-C stops all three.
run: demo
	@trap 'kill 0' INT TERM EXIT; \
	$(BIN)/celery -A qualipref worker --loglevel=INFO --concurrency=1 --without-heartbeat --without-gossip --without-mingle & \
	$(BIN)/celery -A qualipref beat --loglevel=INFO --pidfile= & \
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: install
	$(BIN)/pytest

quality: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/djlint --lint templates
	$(BIN)/python manage.py makemigrations --check --dry-run

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .
	$(BIN)/djlint --reformat templates

clean:
	rm -rf $(VENV) var
