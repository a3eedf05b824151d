# The two quick-start commands (README.md); .ci/run runs exactly these.
#   make demo   set up .venv if needed, then check the bundled example model
#   make test   set up .venv if needed, then the linter and the whole test suite
# Set-up is idempotent: .venv is created when missing and reinstalled only when pyproject.toml changed (a stamp
# file inside .venv records the last install), so a second run costs only the check or the tests.

PYTHON ?= python3
VENV ?= .venv
STAMP := $(VENV)/.opencheck-installed
# What the tests need from the system besides Python (git repositories are made in tests; the Action is bash).
SYSTEM_TOOLS := git bash
# Installs packages with apt-get only when it can (root and apt-get present); otherwise says what to install.
APT_INSTALL = if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(1); \
	else echo "make: please install: $(1)" >&2; exit 2; fi

.PHONY: demo test system browser

demo: $(STAMP)
	$(VENV)/bin/opencheck check examples/open-model

test: $(STAMP) browser
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/python -m pytest -q -p no:cacheprovider

$(STAMP): pyproject.toml | system
	@# Debian and Ubuntu ship the venv module (ensurepip) separately, as python3-venv.
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV) || \
	  { rm -rf $(VENV); $(call APT_INSTALL,python3-venv); $(PYTHON) -m venv $(VENV); }
	$(VENV)/bin/python -m pip install -q -e ".[dev]"
	touch $(STAMP)

system:
	@missing=""; for tool in $(SYSTEM_TOOLS); do command -v $$tool >/dev/null 2>&1 || missing="$$missing $$tool"; done; \
	if [ -n "$$missing" ]; then $(call APT_INSTALL,$$missing); fi

# The HTML report is checked in a real headless browser (tests/formats/test_html_render.py): Debian's chromium.
browser:
	@[ -n "$$OPENCHECK_CHROMIUM" ] || command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
	  { $(call APT_INSTALL,chromium); }
