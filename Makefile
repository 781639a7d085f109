# One target per everyday action. Every target installs what it needs first, so a fresh clone works.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 7860
DEV_SET ?= tests/data/dev.jsonl

# Offline by default: no analytics, no hub calls, no telemetry.
export GRADIO_ANALYTICS_ENABLED := False
export HF_HUB_OFFLINE := 1
export HF_HUB_DISABLE_TELEMETRY := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: install run index test test-fast lint eval quality-report bench screenshot chromium services cluster cluster-test clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	# torch first and pinned: the CPU wheel; anything else would pull a CUDA build of several GB.
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

chromium:
	@command -v chromium >/dev/null || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  $$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get install -y chromium >/dev/null; }

# Debian's Redis, PostgreSQL and nginx for the cluster and its tests; started by the project, never as
# system services (scripts/cluster_services.py runs them on loopback in a temp folder).
services:
	@missing=""; \
	  command -v redis-server >/dev/null || missing="$$missing redis-server"; \
	  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	  test -x /usr/sbin/nginx || command -v nginx >/dev/null || missing="$$missing nginx"; \
	  if [ -n "$$missing" ]; then \
	    echo "installing Debian's$$missing for the cluster"; \
	    sudo=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	    $$sudo apt-get install -y $$missing >/dev/null || { $$sudo apt-get update -qq && $$sudo apt-get install -y $$missing >/dev/null; }; \
	  fi

index: $(STAMP)
	$(PY) -m assistant build --if-stale

run: index
	$(PY) app.py --host $(HOST) --port $(PORT)

test: $(STAMP) chromium services
	$(PY) -m pytest -q
	$(MAKE) --no-print-directory cluster-test

# Redis, PostgreSQL, 3 replicas and nginx on loopback, until Ctrl-C (docs/deploy.md).
cluster: $(STAMP) services
	$(PY) scripts/cluster.py --port 8080

# The same, checked under load; ends with one JSON line (scripts/cluster_test.py says what each key means).
cluster-test: $(STAMP) services
	$(PY) scripts/cluster_test.py

test-fast: $(STAMP)
	$(PY) -m pytest -q -m "not slow and not browser"

lint: $(STAMP)
	$(VENV)/bin/ruff check assistant webapp app.py scripts tests
	$(VENV)/bin/ruff format --check assistant webapp app.py scripts tests
	$(VENV)/bin/mypy

eval: index
	$(PY) -m assistant eval $(DEV_SET) --out build/dev-results.jsonl

quality-report: index
	$(PY) scripts/quality_report.py --out docs/quality.md

# The README's pictures (desktop and phone), on purpose: `make test` writes its screenshots to a temp folder.
screenshot: $(STAMP) chromium
	GUIDE_SCREENSHOTS=docs $(PY) -m pytest -q tests/test_browser_chat.py -k "cited_sources or phone"

bench: index
	$(PY) scripts/bench.py --out docs/performance.md

clean:
	rm -rf $(VENV) build index/builds index/current .pytest_cache
