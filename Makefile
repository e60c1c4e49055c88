# The two commands: `make run` and `make test` (see README.md).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# Test processes (pytest-xdist); each gets its own test database on the one embedded PostgreSQL.
PYTEST_WORKERS ?= 2
STAMP := $(VENV)/.installed

.PHONY: wrk run test lint typecheck format bench install browser ocr messages clean worker beat migrations-check

$(STAMP): requirements.lock pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	# Put the checkout on the venv's path (what an editable install does, without building a wheel).
	$(PY) -c 'import os, site; open(os.path.join(site.getsitepackages()[0], "ocop-marketplace.pth"), "w").write(os.getcwd())'
	touch $(STAMP)

install: $(STAMP) messages ocr

# Translations are committed as .po files and compiled here (the .mo files are build output).
messages: $(STAMP)
	# No secret is needed to compile catalogues; DEBUG only lets the settings load without one.
	DJANGO_DEBUG=1 $(PY) manage.py compilemessages --ignore=.venv --verbosity 0

# Debian's chromium for the browser tests; skipped (the tests then say so) when we cannot install it.
browser:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
		|| echo "NOTICE: could not install chromium; browser tests will be skipped"; \
	else echo "NOTICE: /usr/bin/chromium missing and not root; browser tests will be skipped"; fi

# Tesseract with its Vietnamese model reads scanned and photographed decisions; DejaVu draws the test scans.
OCR_PACKAGES := tesseract-ocr tesseract-ocr-vie fonts-dejavu-core
ocr:
	@if command -v tesseract >/dev/null && tesseract --list-langs 2>/dev/null | grep -qx vie \
		&& [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; then :; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(OCR_PACKAGES) >/dev/null) \
		|| echo "NOTICE: could not install $(OCR_PACKAGES); scanned decisions are refused and OCR tests skipped"; \
	else echo "NOTICE: missing $(OCR_PACKAGES) (not root); scanned decisions are refused and OCR tests skipped"; fi

run: install
	PORT=$(PORT) $(PY) -m marketplace.core.devserver

# Background processes when CELERY_BROKER_URL is set (see deploy/README.md).
worker: install
	$(VENV)/bin/celery -A marketplace worker --loglevel=INFO

beat: install
	$(VENV)/bin/celery -A marketplace beat --loglevel=INFO

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# mypy with django-stubs (configured in pyproject.toml). The plugin loads the settings, which need
# DJANGO_DEBUG (or a secret key) and nothing else.
typecheck: $(STAMP)
	DJANGO_DEBUG=1 $(VENV)/bin/mypy

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Models and migrations agree. No secret or database needed: DEBUG only lets the settings load, and the
# history check is skipped (with a warning we silence) when no database answers.
migrations-check: $(STAMP)
	DJANGO_DEBUG=1 $(PY) -W ignore::RuntimeWarning manage.py makemigrations --check --dry-run --verbosity 1

test: install browser lint typecheck migrations-check
	$(PY) -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# The storefront bench drives gunicorn with wrk (Debian package); without it, Python threads (weaker).
wrk:
	@if command -v wrk >/dev/null; then :; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null) \
		|| echo "NOTICE: could not install wrk; the bench falls back to Python threads"; \
	else echo "NOTICE: wrk missing (not root); the bench falls back to Python threads"; fi

bench: install wrk
	$(PY) -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .data test-output
