# aduan: `make run` serves the demo, `make test` runs every test. Both start from a
# fresh clone and reuse what already exists.

VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) -m aduan
ADDR ?= 127.0.0.1:8000

.PHONY: run test check lint format messages install bench drills clean

$(VENV)/.installed: pyproject.toml
	@python=$$(scripts/find-python) || exit 1; \
	  test -x $(PY) || $$python -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e .
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[test]"
	@touch $@

install: $(VENV)/.installed

messages: $(VENV)/.installed
	@command -v msgfmt >/dev/null || { echo "aduan needs GNU gettext (msgfmt) to compile translations: apt-get install gettext" >&2; exit 1; }
	$(MANAGE) compilemessages --ignore=.venv --ignore=var --verbosity=0

run: messages
	$(MANAGE) migrate --no-input --verbosity=0
	$(MANAGE) load_reference_data
	$(MANAGE) seed_demo --reports 3000
	$(MANAGE) triage_train --if-due
	@echo
	@echo "aduan is at http://$(ADDR)/  (API: http://$(ADDR)/api/v1/docs)  — Ctrl-C stops it."
	@echo
	$(MANAGE) serve --addr $(ADDR)

test: $(VENV)/.installed-test messages
	$(PY) scripts/run_tests.py

# The quick loop: the linters and the tests the change affects (docs/testing.md).
check: $(VENV)/.installed-test messages
	$(PY) scripts/check.py $(ARGS)

lint: $(VENV)/.installed-test
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy .
	$(VENV)/bin/lint-imports --no-cache

format: $(VENV)/.installed-test
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

# The operations drills (docs/operations.md): PostgreSQL failover, point-in-time
# restore, a web node lost behind HAProxy. A few minutes; not part of `make test`.
drills: $(VENV)/.installed-test messages
	$(PY) -m pytest drills -p no:cacheprovider -s

bench: $(VENV)/.installed-test
	$(PY) bench/reference_api.py
	$(PY) bench/portal.py
	$(PY) bench/backoffice.py

clean:
	rm -rf $(VENV) var
