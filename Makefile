# Everything runs inside .venv, which `make` creates itself.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO := demo

.PHONY: install demo test lint bench clean fuzz-install fuzz

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/python scripts/build_demo.py $(DEMO)

test: $(STAMP)
	$(BIN)/python -m pytest -n auto

lint: $(STAMP)
	$(BIN)/ruff check holp tests scripts
	$(BIN)/mypy
	$(BIN)/lint-imports

# make bench BENCH="--keep --only history": options of scripts/bench.py (--help lists them)
bench: $(STAMP)
	$(BIN)/python scripts/bench.py $(BENCH)

# Fuzzing is a developer's tool, not CI's: atheris is installed only by this target, never by .[dev].
FUZZ_SECONDS ?= 60
FUZZ_CORPUS := .fuzz/corpus

fuzz-install: $(STAMP)
	$(BIN)/python -m pip install --quiet 'atheris>=2.3'

fuzz: $(STAMP)
	@$(BIN)/python -c 'import atheris' 2>/dev/null || { echo "atheris is missing: run make fuzz-install"; exit 2; }
	mkdir -p $(FUZZ_CORPUS)
	cp example-repo/projects/*/*.yaml example-repo/customers/*/*.yaml example-repo/*.yaml $(FUZZ_CORPUS)/
	$(BIN)/python -c 'import json, pathlib; [pathlib.Path("$(FUZZ_CORPUS)", "suite-" + c["id"]).write_text(c["yaml"]) for c in json.loads(pathlib.Path("tests/data/yaml-test-suite/cases.json").read_text())["cases"]]'
	$(BIN)/python tests/fuzz/fuzz_read.py $(FUZZ_CORPUS) -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 -max_len=4096

clean:
	rm -rf $(VENV) $(DEMO) build dist *.egg-info .fuzz
