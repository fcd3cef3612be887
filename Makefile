# Two commands do all set-up on a fresh Debian/Ubuntu machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
DEMO   := examples/demo

.PHONY: demo test test-fast lint bench system-deps clean

system-deps:
	@PYTHON=$(PYTHON) bash scripts/system-deps.sh

# RapidOCR, the clocks' second OCR engine, without the opencv-python it asks for (a second cv2 beside
# our headless one; pyproject.toml, clock-rapid); where its Python is not supported (3.13 and later),
# clocks are read by Tesseract alone and its tests skip
RAPID = { $(PY) -m pip install -q --no-deps 'rapidocr_onnxruntime==1.4.4' \
          || echo "syncam: rapidocr_onnxruntime not installed: clocks read with Tesseract alone"; }

# pip's and setuptools' chatter (the editable-install notice) goes to a log, shown only on failure
$(STAMP): pyproject.toml
	@$(MAKE) --no-print-directory system-deps
	@echo "syncam: setting up $(VENV) (log: $(VENV)/install.log)"
	@$(PYTHON) -m venv $(VENV)
	@{ $(PY) -m pip install -q --upgrade pip && $(PY) -m pip install -q -e '.[test,clock-rapid]' \
	   && $(RAPID); } \
	  > $(VENV)/install.log 2>&1 || { cat $(VENV)/install.log; exit 1; }
	@touch $(STAMP)

# the demo's clips are made once, and again only when what makes them changes
DEMO_MEDIA := $(DEMO)/.made
$(DEMO_MEDIA): examples/make_demo.py tests/mediagen.py tests/data/timbl_1.mp3 tests/data/bikes.mp4 \
               | $(STAMP)
	@echo "syncam: making the demo clips in $(DEMO)/"
	@$(PY) examples/make_demo.py $(DEMO)
	@touch $@

## demo: make the example event from real recordings, align it, render it, and say how to watch it
# its signature cache lives in the demo folder, so `make clean` removes it with the demo
demo: system-deps $(STAMP) $(DEMO_MEDIA)
	@$(VENV)/bin/syncam align $(DEMO)/[0-9]_* -o $(DEMO)/manifest.json --cache-dir $(DEMO)/.cache; \
	  code=$$?; [ $$code -eq 0 ] || [ $$code -eq 3 ] || exit $$code
	@$(VENV)/bin/syncam render $(DEMO)/manifest.json -o $(DEMO)/mosaic.mp4 --clock
	@echo "watch it: ffplay $(DEMO)/mosaic.mp4 (or open it in any video player)"
	@echo "run syncam yourself: . $(VENV)/bin/activate (or pipx install .), then syncam --help"

## test: the whole suite, end-to-end tests on real encoded media included
test: system-deps $(STAMP)
	@PYTHON=$(PYTHON) bash scripts/system-deps.sh --test
	$(PY) -m pytest -q

## test-fast: every test that decodes no media (-m "not slow"; tests/conftest.py fails a test that
## starts ffmpeg without the slow mark)
test-fast: $(STAMP)
	$(PY) -m pytest -q -m "not slow"

## lint: ruff (style, import order, likely bugs) on the package and the tests; mypy on syncam/
lint: $(STAMP)
	$(VENV)/bin/ruff check syncam tests
	$(VENV)/bin/mypy

## bench: speed and memory against ffmpeg alone, in one run
bench: system-deps $(STAMP)
	$(PY) bench/bench.py
	$(PY) bench/bench_report.py

## clean: the venv, the demo (its clips, outputs and signature cache), benchmark outputs
clean:
	rm -rf $(VENV) $(DEMO) bench/out .pytest_cache
