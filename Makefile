# The two commands of the README: `make run` and `make test`. Both work from a fresh clone with only Python 3.11.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# The second test run uses these real services; CI must reach them, a laptop may not have them. PostgreSQL through
# its Unix socket: on these machines a query over loopback TCP takes several times as long, which doubled the run.
# (Elsewhere: make test TEST_DATABASE_URL=postgres://user@host:5432/name.)
TEST_DATABASE_URL ?= postgres://postgres@%2Fvar%2Frun%2Fpostgresql/clinic_platform
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
# The suite runs on every core (pytest-xdist); a file's tests stay together, so a module's shared setup is built once.
PYTEST_PARALLEL ?= -n auto --dist loadfile

.PHONY: run test install lint test-sqlite test-services test-browser clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when requirements.txt changes.
$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

install: $(VENV)/.installed

# PORT is passed on so the dev settings' WAGTAILADMIN_BASE_URL (links in staff emails) names this port.
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py createcachetable
	PORT=$(PORT) $(BIN)/python manage.py seed_demo --port $(PORT)
	@echo ""
	@echo "Serving on port $(PORT). Open:"
	@echo "  http://ascpm.localhost:$(PORT)/"
	@echo "  http://spinaldiagnostics.localhost:$(PORT)/"
	@echo "  http://localhost:$(PORT)/admin/   (logins above)"
	@echo ""
	PORT=$(PORT) $(BIN)/python manage.py runserver 0.0.0.0:$(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_SETTINGS_MODULE=clinic_site.settings.test $(BIN)/python manage.py check --fail-level WARNING
	DJANGO_SETTINGS_MODULE=clinic_site.settings.test $(BIN)/python manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=clinic_site.settings.production SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(64))')" \
		$(BIN)/python manage.py check --deploy --fail-level WARNING

# The generated isolation sweeps (marker `sweep`: the matrix, the same-as-missing sweep and the form-value
# dimension) send thousands of requests each and check permissions, not the database: when PostgreSQL and Redis are
# reachable they run once, in that pass, which keeps `make test` inside CI's half hour; otherwise they run here.
# The edge-cache tests (tests/page_cache/test_varnish.py) start a real varnishd with deploy/varnish/default.vcl. As
# root, a missing Varnish is installed (Debian's package); without it those tests say so and skip, or fail when CI
# is set. They run in both passes below.
# $(call debian_packages,FOR,PACKAGES,CHECK): unless the shell test CHECK passes, install Debian's PACKAGES as root;
# otherwise (or if that fails) say that FOR cannot run. The tests that need them then skip, or fail when CI is set.
define debian_packages
	@if ! { $(3); }; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "Installing Debian's $(2) for $(1)."; \
			DEBIAN_FRONTEND=noninteractive apt-get install -y -q $(2) \
			|| { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $(2); } \
			|| echo "$(2) could not be installed: $(1) cannot run."; \
		else \
			echo "$(2) missing and only root can install it: $(1) cannot run."; \
		fi; \
	fi
endef

.PHONY: varnish
varnish:
	$(call debian_packages,the edge-cache tests,varnish,[ -x /usr/sbin/varnishd ] || command -v varnishd >/dev/null)

test-sqlite: install varnish
	@if $(BIN)/python -m tests.services_available "$(TEST_DATABASE_URL)" "$(TEST_REDIS_URL)" >/dev/null; then \
		echo "SQLite pass: the isolation sweeps (marker 'sweep') are left to the PostgreSQL pass."; \
		env -u DATABASE_URL -u REDIS_URL $(BIN)/pytest $(PYTEST_PARALLEL) -m "not sweep"; \
	else \
		env -u DATABASE_URL -u REDIS_URL $(BIN)/pytest $(PYTEST_PARALLEL); \
	fi

# PostgreSQL + Redis: the whole suite again, including the tests marked `services`.
test-services: install varnish
	@if $(BIN)/python -m tests.services_available "$(TEST_DATABASE_URL)" "$(TEST_REDIS_URL)"; then \
		DATABASE_URL="$(TEST_DATABASE_URL)" REDIS_URL="$(TEST_REDIS_URL)" $(BIN)/pytest $(PYTEST_PARALLEL); \
	elif [ -n "$$CI" ]; then \
		echo "CI is set and PostgreSQL or Redis is unreachable: failing instead of skipping."; exit 1; \
	else \
		echo "PostgreSQL or Redis unreachable: the PostgreSQL/Redis run was NOT done (it is required in CI)."; \
	fi

# The patient and staff journeys and the accessibility checks in a real browser (tests/browser): Debian's Chromium,
# driven by Playwright, with axe-core from npm. As root, a missing Chromium is installed; whatever is still missing
# makes the browser tests say so and skip, or fail when CI is set.
BROWSER_DIR := tests/browser
CHROMIUM_PACKAGES := chromium chromium-driver

test-browser: install
	$(call debian_packages,the browser tests,$(CHROMIUM_PACKAGES),[ -x /usr/bin/chromium ])
	@if ! command -v npm >/dev/null; then \
		echo "npm is missing: axe-core cannot be installed and the browser tests cannot run."; \
	elif [ ! -f $(BROWSER_DIR)/node_modules/axe-core/axe.min.js ] \
			|| [ $(BROWSER_DIR)/package-lock.json -nt $(BROWSER_DIR)/node_modules/.package-lock.json ]; then \
		npm ci --prefix $(BROWSER_DIR) --no-audit --no-fund --loglevel=error \
		|| echo "npm ci failed: axe-core is missing and the browser tests cannot run."; \
	fi
	$(BIN)/pytest $(BROWSER_DIR)

test: lint test-sqlite test-services test-browser test-reliability

clean:
	rm -rf $(VENV) static media/test

# The reliability suite (tests/reliability): real gunicorn, nginx, db_worker and SMTP processes on loopback, the
# test database in a PostgreSQL 15 cluster of the suite's own (restarted and locked by the fault scenarios; started
# as the user postgres, so as root) and a redis-server of its own (stopped and frozen): never the shared servers,
# which only decide whether the PostgreSQL pass runs. As root, missing Debian packages are installed; without them
# the tests that need them say so and skip, or fail when CI is set. About 4 minutes; figures in the summary.
RELIABILITY_PACKAGES := nginx redis-server postgresql-15
.PHONY: test-reliability
test-reliability: install
	$(call debian_packages,the reliability tests,$(RELIABILITY_PACKAGES),[ -x /usr/sbin/nginx ] && command -v redis-server >/dev/null && [ -x /usr/lib/postgresql/15/bin/pg_ctl ])
	@if $(BIN)/python -m tests.services_available "$(TEST_DATABASE_URL)" "$(TEST_REDIS_URL)"; then \
		DATABASE_URL="$(TEST_DATABASE_URL)" REDIS_URL="$(TEST_REDIS_URL)" $(BIN)/pytest tests/reliability; \
	elif [ -n "$$CI" ]; then \
		echo "CI is set and PostgreSQL or Redis is unreachable: failing instead of skipping."; exit 1; \
	else \
		echo "PostgreSQL or Redis unreachable: the reliability tests were NOT run (they are required in CI)."; \
	fi

# The benchmark of issue 14 (scripts/bench, README "Performance"); not part of `make test`. `make bench` measures
# everything side by side in one run (hello-world, the reference Wagtail site, the project on SQLite and on
# PostgreSQL + Redis, the large database of 1,000 clinics) and writes scripts/bench/results/last.md; BENCH_ARGS adds
# options (e.g. BENCH_ARGS=--reuse keeps the large database of an earlier run). `make bench-quick` is a smoke run:
# SQLite only, one short round, databases of an earlier run reused. As root, a missing wrk is installed.
BENCH_ARGS ?=
.PHONY: bench bench-quick bench-wrk
bench-wrk:
	$(call debian_packages,the benchmark,wrk,command -v wrk >/dev/null)

bench: install bench-wrk
	$(BIN)/python -m scripts.bench $(BENCH_ARGS)

bench-quick: install bench-wrk
	$(BIN)/python -m scripts.bench --quick --reuse $(BENCH_ARGS)
