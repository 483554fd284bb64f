# Every target installs what it needs first (scripts/bootstrap.sh is quiet and
# quick when nothing is missing).
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := test
.PHONY: run test check browser-test bench

PY := .venv/bin/python
# Extra pytest arguments for `make test`, e.g. TEST_ARGS="-n auto" for pytest-xdist.
# One process by default: each xdist worker pays the whole start-up (Django,
# hypothesis, schemathesis: about 5 s here), which only pays off once the tests
# themselves take longer than that on two cores.
TEST_ARGS ?=
# Only for `manage.py check --deploy`: never a real key.
# The development environment of `make run` and the checks: DEBUG on, the demo's personas.
DEV_ENV := DEBUG=true OVERSIGHT_DEMO=true
DEPLOY_CHECK_ENV := DEBUG=false SECRET_KEY=not-a-secret-deploy-check-only-7Qx2vR9mK4pL8sT3wZ6nB ALLOWED_HOSTS=oversight.example.com

run:
	scripts/bootstrap.sh
	$(DEV_ENV) $(PY) manage.py migrate --noinput
	$(DEV_ENV) $(PY) manage.py demo
	$(DEV_ENV) $(PY) manage.py runserver 127.0.0.1:8000

# pytest exits 5 when it collects no test; that is not a failure here.
test:
	scripts/bootstrap.sh
	$(PY) -m pytest -m "not browser" $(TEST_ARGS) || [ $$? -eq 5 ]

check:
	scripts/bootstrap.sh
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	$(DEV_ENV) .venv/bin/mypy oversight
	$(DEV_ENV) $(PY) manage.py makemigrations --check --dry-run
	$(DEPLOY_CHECK_ENV) $(PY) manage.py check --deploy --fail-level WARNING

browser-test:
	scripts/bootstrap.sh browser
	$(PY) -m pytest -m browser || [ $$? -eq 5 ]

# Each bench/bench_*.py prints its own ratios against a baseline it measures in the same run.
bench:
	scripts/bootstrap.sh
	@found=; for script in bench/bench_*.py; do \
		[ -e "$$script" ] || continue; found=1; \
		echo "== $$script"; \
		DJANGO_SETTINGS_MODULE=oversight.settings $(PY) "$$script"; \
	done; [ -n "$$found" ] || echo "no benchmarks in bench/ yet"
