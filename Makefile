# soe-analysis: every target sets up .venv first (pip alone), so a fresh clone needs nothing else.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PERIODS ?= 2022-10 2023Q1..2023Q3
# pytest-xdist workers; a module stays on one worker (--dist loadfile), notebook runs are shared (tests/nbrun.py)
TEST_WORKERS ?= 2
PYTEST := $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile --durations=5

.DEFAULT_GOAL := help
.PHONY: help setup data ingest report test test-fast lab notebooks bench clean

help: ## list the targets
	@grep -hE '^[a-z][a-z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-9s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python >= 3.11 is required ($(PYTHON))"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP) ## create .venv and install the package with its dependencies

ingest: $(STAMP) ## rebuild data/processed from data/raw (validates; stops on errors)
	$(BIN)/soe-analysis ingest

report: ingest ## build every report for the default periods and print where index.html is
	$(BIN)/soe-analysis report $(foreach p,$(PERIODS),--period $(p))

# Bytecode caches on for the test runs even where the environment turns them off
# (PYTHONDONTWRITEBYTECODE): otherwise every xdist worker re-compiles the package and pytest
# re-rewrites every test module's asserts on each run, about 4 s of `make test-fast` (measured).
# The caches go to __pycache__ folders, which git ignores.
test test-fast: export PYTHONDONTWRITEBYTECODE :=

test: $(STAMP) ## run the whole test suite (notebooks and the browser included); prints its time
	$(PYTEST)

test-fast: $(STAMP) ## run the tests that execute no notebook and open no browser
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist worksteal --durations=5 -m "not notebook and not browser"

lab: ingest ## open JupyterLab on the notebooks, in the same environment
	$(BIN)/jupyter lab --notebook-dir=notebooks $$([ "$$(id -u)" = 0 ] && echo --allow-root)

data: $(STAMP) ## regenerate the shipped demonstration data (seeded; same files every time)
	$(BIN)/python scripts/generate_demo_data.py
	$(BIN)/python scripts/generate_demo_register.py

notebooks: $(STAMP) ## clear outputs from the notebooks before committing (they are their own source)
	$(BIN)/jupyter nbconvert --clear-output --inplace notebooks/*.ipynb

bench: $(STAMP) ## run the benchmarks and print their figures
	for b in bench/bench_*.py; do $(BIN)/python $$b || exit 1; done

clean: ## remove generated data and reports (keeps .venv)
	rm -rf data/processed/*.parquet data/processed/*.csv reports/*/ reports/index.html
