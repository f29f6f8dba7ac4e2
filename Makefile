# Two commands on a fresh Debian machine with Python 3.11+:
#   make demo   set everything up and run the main job on a bundled sample log
#   make test   set everything up and run the linters and the tests
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
DEMO_LOG ?= sample_logs/vergunningen.csv

.PHONY: setup demo test lint clean sample-logs

$(STAMP): pyproject.toml
	./scripts/system-deps.sh setup
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	rm -f demo.duckdb
	$(BIN)/procesflow discover $(DEMO_LOG) --db demo.duckdb --out procesflow-out/demo \
	    --deadline 8w --deadline-end "Besluit verzenden" \
	    --suspend-start "Opschorting gestart" --suspend-end "Opschorting beëindigd"
	@echo "open procesflow-out/demo/report.html in a browser (Dutch: add --lang nl)"

lint: $(STAMP)
	$(BIN)/ruff check .

test: $(STAMP)
	./scripts/system-deps.sh test
	$(BIN)/ruff check .
	# the Spark tests run beside the rest (2 cores: their JVM takes one to one and a half of them, the
	# main suite one); their output follows; either failing fails the target
	sparktmp=$$(mktemp -d); $(BIN)/pytest -q -p no:cacheprovider --basetemp=$$sparktmp tests/test_spark_parity.py > .spark-tests.log 2>&1 & spark=$$!; \
	$(BIN)/pytest -q --ignore=tests/test_spark_parity.py; main=$$?; \
	wait $$spark; sparkrc=$$?; echo '--- Spark tests (tests/test_spark_parity.py):'; cat .spark-tests.log; \
	rm -rf .spark-tests.log $$sparktmp; [ $$main -eq 0 ] && [ $$sparkrc -eq 0 ]
	cd notebooks && ../$(BIN)/pytest -q -p no:cacheprovider --nbmake .

sample-logs: $(STAMP)
	$(BIN)/python -m procesflow.sample --write-bundled sample_logs

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache demo.duckdb procesflow-out
