# The two set-up commands are `make run` and `make test`; everything else is a helper for them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench system-deps system-deps-test clean

run: system-deps $(STAMP)
	$(BIN)/cramp-coach run

test: system-deps-test $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check skill intents scheduler cramp_common tests bench
	$(BIN)/mypy

bench: system-deps-test $(STAMP)
	$(BIN)/python -m bench.run_all

system-deps:
	@tools/system-deps.sh

system-deps-test:
	@tools/system-deps.sh --test

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	# train the English semantic head once here, so the first `make run` answers at once
	# (a failure only leaves it to train on first use)
	-$(BIN)/python -m intents.semantic.prepare
	touch $(STAMP)

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
