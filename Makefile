# Two commands do all set-up on a fresh Debian/Ubuntu machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
DEMO   := examples/demo

.PHONY: demo test test-fast bench system-deps clean

system-deps:
	@PYTHON=$(PYTHON) bash scripts/system-deps.sh

$(STAMP): pyproject.toml
	@$(MAKE) --no-print-directory system-deps
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	@touch $(STAMP)

## demo: make the example event from real recordings, align it, and say where the output is
demo: system-deps $(STAMP)
	$(PY) examples/make_demo.py $(DEMO)
	$(VENV)/bin/syncam align $(DEMO)/[0-9]_* -o $(DEMO)/manifest.json; \
	  code=$$?; [ $$code -eq 0 ] || [ $$code -eq 3 ] || exit $$code
	$(VENV)/bin/syncam render $(DEMO)/manifest.json -o $(DEMO)/mosaic.mp4 --clock
	@echo
	@echo "demo manifest: $(abspath $(DEMO))/manifest.json"
	@echo "demo mosaic:   $(abspath $(DEMO))/mosaic.mp4"

## test: the whole suite, end-to-end tests on real encoded media included
test: system-deps $(STAMP)
	@PYTHON=$(PYTHON) bash scripts/system-deps.sh --test
	$(PY) -m pytest -q

## test-fast: only the pure numeric and parsing tests (seconds)
test-fast: $(STAMP)
	$(PY) -m pytest -q tests/unit

## bench: speed and memory against ffmpeg alone, in one run
bench: system-deps $(STAMP)
	$(PY) bench/bench.py
	$(PY) bench/bench_report.py

clean:
	rm -rf $(VENV) $(DEMO) bench/out .pytest_cache
