# The README's commands. `make run` starts the dashboard on the shipped data; `make test` runs
# every check. Both create the virtual environment on first use.
PY ?= python3
# The port `make run` serves on: `make run PORT=8600`.
PORT ?= 8501
VENV := .venv
BIN := $(VENV)/bin
# axe-core for the browser tests' accessibility checks (see the rule below).
AXE := tests/browser/node_modules/axe-core/axe.min.js

.PHONY: run dev test setup dev-setup refresh validate bench lint report browser-deps service-deps pdf-deps clean

$(BIN)/.runtime: requirements.txt
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(BIN)/.dev: requirements-dev.txt requirements.txt $(BIN)/.runtime
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

setup: $(BIN)/.runtime pdf-deps
dev-setup: $(BIN)/.dev $(AXE) pdf-deps

run: $(BIN)/.runtime pdf-deps
	$(BIN)/python -m cohesion refresh --quiet || echo "Refresh reported problems (listed above); the dashboard shows them on Data & sources."
	$(BIN)/streamlit run dashboard.py --server.port $(PORT)

# For editing pages: Streamlit's development settings (file watcher on, rerun on save, GC after
# every run) instead of the production ones in .streamlit/config.toml.
dev: $(BIN)/.runtime pdf-deps
	$(BIN)/python -m cohesion refresh --quiet || echo "Refresh reported problems (listed above); the dashboard shows them on Data & sources."
	$(BIN)/streamlit run dashboard.py --server.port $(PORT) --server.fileWatcherType auto \
	  --server.runOnSave true --runner.postScriptGC true

# Debian's chromium for the browser tests; installed when missing and we may use apt (root).
browser-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = "0" ]; then apt-get update -qq && apt-get install -y -qq chromium poppler-utils $(PDF_DEBS); \
	  else echo "Browser tests need Debian's chromium: sudo apt-get install chromium"; fi; fi

# Debian's PostgreSQL and nginx for the shared-deployment test (it starts throwaway copies on
# loopback itself; the machine's own services are not used). Installed when missing and root.
service-deps:
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || [ ! -x /usr/sbin/nginx ]; then \
	  if [ "$$(id -u)" = "0" ]; then apt-get update -qq && apt-get install -y -qq postgresql nginx; \
	  else echo "The shared-deployment test needs Debian's postgresql and nginx: sudo apt-get install postgresql nginx"; fi; fi

# axe-core, the accessibility engine the browser tests run in each page: the npm package pinned in
# tests/browser/package-lock.json.
$(AXE): tests/browser/package.json tests/browser/package-lock.json
	npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error
	touch $@

# DejaVu Sans, the font the board pack is set in (it has the status symbols ✔ ▲ ✖ ○); installed
# when missing and we may use apt (root). The PDF library itself (Typst) is a Python wheel. Without
# the font the pack uses Typst's own serif font with ASCII symbols (+ ^ x o) and says so.
PDF_DEBS := fonts-dejavu-core
pdf-deps:
	@if [ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf ]; then \
	  if [ "$$(id -u)" = "0" ]; then apt-get update -qq && apt-get install -y -qq $(PDF_DEBS); \
	  else echo "The board pack is set in DejaVu Sans: sudo apt-get install $(PDF_DEBS)"; fi; fi

test: $(BIN)/.dev browser-deps service-deps pdf-deps $(AXE)
	$(BIN)/ruff check .
	$(BIN)/python -m cohesion validate
	$(BIN)/python -m pytest

refresh: $(BIN)/.runtime
	$(BIN)/python -m cohesion refresh

validate: $(BIN)/.runtime
	$(BIN)/python -m cohesion validate

bench: $(BIN)/.runtime
	$(BIN)/python -m cohesion bench

lint: $(BIN)/.dev
	$(BIN)/ruff check .

report: $(BIN)/.runtime pdf-deps
	$(BIN)/python -m cohesion report --out out/board-pack.pdf

clean:
	rm -rf $(VENV) data/processed .pytest_cache .ruff_cache
