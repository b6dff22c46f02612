# The two commands of the README: `make run` and `make test`. Both work from a fresh clone with only Python 3.11.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# The second test run uses these real services; CI must reach them, a laptop may not have them.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/clinic_platform
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15

.PHONY: run test install lint test-sqlite test-services clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when requirements.txt changes.
$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

install: $(VENV)/.installed

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo --port $(PORT)
	@echo ""
	@echo "Serving on port $(PORT). Open:"
	@echo "  http://ascpm.localhost:$(PORT)/"
	@echo "  http://spinaldiagnostics.localhost:$(PORT)/"
	@echo "  http://localhost:$(PORT)/admin/   (logins above)"
	@echo ""
	$(BIN)/python manage.py runserver 0.0.0.0:$(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_SETTINGS_MODULE=clinic_site.settings.test $(BIN)/python manage.py check --fail-level WARNING
	DJANGO_SETTINGS_MODULE=clinic_site.settings.test $(BIN)/python manage.py makemigrations --check --dry-run

test-sqlite: install
	env -u DATABASE_URL -u REDIS_URL $(BIN)/pytest

# PostgreSQL + Redis: the whole suite again, including the tests marked `services`.
test-services: install
	@if $(BIN)/python -m tests.services_available "$(TEST_DATABASE_URL)" "$(TEST_REDIS_URL)"; then \
		DATABASE_URL="$(TEST_DATABASE_URL)" REDIS_URL="$(TEST_REDIS_URL)" $(BIN)/pytest; \
	elif [ -n "$$CI" ]; then \
		echo "CI is set and PostgreSQL or Redis is unreachable: failing instead of skipping."; exit 1; \
	else \
		echo "PostgreSQL or Redis unreachable: the PostgreSQL/Redis run was NOT done (it is required in CI)."; \
	fi

test: lint test-sqlite test-services

clean:
	rm -rf $(VENV) static media/test
