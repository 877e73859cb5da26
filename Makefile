# Two commands on a fresh machine (Python 3.11, JDK 17, Maven): `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: install run test lint format bench browser clean messages
# axe-core (the accessibility checker the page tests run in Chromium), from the npm registry
AXE_VERSION := 4.10.3
NPM ?= npm
AXE := .cache/axe-$(AXE_VERSION)/node_modules/axe-core/axe.min.js

install: $(STAMP)
	$(BIN)/turva neo4j fetch

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

run: install
	@# 2023.yaml (illustrative) merges onto 2021.yaml only when that was just loaded into an
	@# empty graph, so a second `make run` keeps whatever was edited in the meantime
	@out=$$($(BIN)/turva --lang en load data/2021.yaml --if-empty) || exit $$?; echo "$$out"; \
	case "$$out" in *"was not loaded"*) ;; *) $(BIN)/turva load data/2023.yaml ;; esac
	$(BIN)/turva serve --host 127.0.0.1 --port 8000

# Two workers (pytest-xdist), each with its own Neo4j: the suite waits on servers, browsers
# and sockets as much as it computes, so two share the 2 cores well; a file stays on one
# worker, so its module fixtures load once. TEST_WORKERS=0 runs it in one process.
TEST_WORKERS ?= 2
test: install browser
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile

# Headless Chromium and its driver for the page tests, from Debian's packages; axe-core.
browser: $(AXE)
	@if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver; \
	else echo "install Debian's chromium and chromium-driver (sudo apt-get install chromium chromium-driver)"; exit 1; fi

# With npm when the machine has it, else the same package straight from the npm registry.
$(AXE): $(STAMP)
	if command -v $(NPM) >/dev/null; then \
	  $(NPM) install --silent --no-save --no-audit --no-fund --prefix .cache/axe-$(AXE_VERSION) axe-core@$(AXE_VERSION); \
	else $(BIN)/python -m tests.fetch_axe $(AXE_VERSION) .cache/axe-$(AXE_VERSION); fi
	test -f $@

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	mkdir -p .lint/turva
	for p in graph queries visualize api; do ln -sfn ../../$$p .lint/turva/$$p; done
	$(BIN)/mypy

format:
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Extract every marked string (code and templates) and merge it into the fi/sv/en catalogues.
messages:
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k NC_:1c,2 -k help_text -k pgettext:1c,2 --no-location --sort-output \
	  --project turva -o graph/messages/turva.pot .
	for lang in fi sv en; do \
	  po=graph/messages/locale/$$lang/LC_MESSAGES/turva.po; \
	  if [ -f $$po ]; then $(BIN)/pybabel update -D turva -l $$lang -i graph/messages/turva.pot -d graph/messages/locale --no-fuzzy-matching; \
	  else $(BIN)/pybabel init -D turva -l $$lang -i graph/messages/turva.pot -d graph/messages/locale; fi; \
	done

bench: install
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .lint .cache/axe-*
