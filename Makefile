# Development tasks of aps-storefront (GNU make).
#
#   make run       shop on SHOP_PORT (5000) and APS simulator on SIMULATOR_PORT (5050)
#   make test      the whole test suite; PYTEST_ARGS="-k stack -x" narrows it
#   make browser   install Chromium and an Arabic font when missing (apt-get as root)
#   make screenshots  APS go-live kit in screenshots/out/; SCREENSHOTS_ARGS="--frame window --method knet"
#   make bench     time the full screenshot run (bench/README.md)
#   make venv      create .venv and install requirements.txt
#   make clean     remove caches and compiled translations; distclean also removes .venv

PYTHON ?= python3
VENV := .venv
VENV_PYTHON := $(VENV)/bin/python
# Touched after a successful install, so pip runs again only when requirements.txt changes.
VENV_STAMP := $(VENV)/.requirements-installed
PYTEST_ARGS ?=
SCREENSHOTS_ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help venv browser compile-translations run test clean distclean screenshots bench

help:
	@sed -n 's/^#   //p' $(firstword $(MAKEFILE_LIST))

venv: $(VENV_STAMP)

$(VENV_STAMP): requirements.txt
	@test -x $(VENV_PYTHON) || $(PYTHON) -m venv $(VENV) || { \
		rm -rf $(VENV); \
		echo "error: '$(PYTHON) -m venv' failed; on Debian install python3-venv, or set PYTHON=/path/to/python3.11" >&2; \
		exit 1; }
	$(VENV_PYTHON) -m pip install --disable-pip-version-check -r requirements.txt
	@touch $@

browser: venv
	@PYTHON=$(VENV_PYTHON) scripts/ensure-browser.sh

# Compiles every translations/<locale>/LC_MESSAGES/*.po, fuzzy entries included;
# a checkout without translations/ yet is fine.
compile-translations: venv
	@if ls translations/*/LC_MESSAGES/*.po >/dev/null 2>&1; then \
		$(VENV)/bin/pybabel compile -d translations; \
	fi

run: venv compile-translations
	SHOP_DEMO_DATA=1 $(VENV_PYTHON) -m shop.stack

# pytest's own exit code is make's: 5 (no tests collected) fails as well.
test: venv browser compile-translations
	$(VENV_PYTHON) -m pytest $(PYTEST_ARGS)

# Screenshots, merchant references, zips, PDF and sign-off e-mail for APS's go-live certification.
screenshots: venv browser compile-translations
	$(VENV_PYTHON) -m screenshots $(SCREENSHOTS_ARGS)

bench: venv browser compile-translations
	$(VENV_PYTHON) bench/screenshots.py

clean:
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -exec rm -rf {} +
	rm -rf .pytest_cache
	find translations -name '*.mo' -delete 2>/dev/null || true

distclean: clean
	rm -rf $(VENV)
