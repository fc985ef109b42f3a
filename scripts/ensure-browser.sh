#!/usr/bin/env bash
# Make sure Playwright can launch Chromium and that a font with Arabic glyphs
# is installed.
#
# As root on a system with apt-get (Debian, Ubuntu), missing packages are
# installed. Anywhere else the script prints what to install and exits 0, so
# `make test` still runs and the browser tests are skipped with that reason.
#
# Usage: scripts/ensure-browser.sh [--dry-run]
#   --dry-run   print the apt-get commands instead of running them
# Environment: PYTHON (default .venv/bin/python) runs `-m shop.browser --check`.
set -euo pipefail

cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-.venv/bin/python}
DRY_RUN=0
case "${1:-}" in
    "") ;;
    --dry-run) DRY_RUN=1 ;;
    *) echo "usage: $0 [--dry-run]" >&2; exit 2 ;;
esac

# fonts-dejavu-core covers Latin and basic Arabic, and fonts-noto-core draws Arabic best.
FONT_PACKAGES=(fonts-dejavu-core fonts-noto-core)
BROWSER_PACKAGES=(chromium "${FONT_PACKAGES[@]}")

browser_starts() {
    "$PYTHON" -m shop.browser --check
}

# Only systems with fontconfig (Linux) can be checked. macOS and Windows ship Arabic fonts.
arabic_font_missing() {
    command -v fc-list >/dev/null 2>&1 && [ -z "$(fc-list :lang=ar family)" ]
}

run() {
    echo "+ $*"
    if [ "$DRY_RUN" -eq 0 ]; then
        "$@"
    fi
}

missing=()
if ! browser_starts; then
    missing=("${BROWSER_PACKAGES[@]}")
elif arabic_font_missing; then
    echo "No font with Arabic glyphs is installed (fc-list :lang=ar lists none)."
    missing=("${FONT_PACKAGES[@]}")
fi

if [ "${#missing[@]}" -eq 0 ]; then
    echo "Chromium and an Arabic font are installed."
    exit 0
fi

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    run apt-get update
    run env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
    if [ "$DRY_RUN" -eq 0 ]; then
        if ! browser_starts; then
            echo "error: Chromium still does not start after installing ${missing[*]}; see the message above." >&2
            exit 1
        fi
        if arabic_font_missing; then
            echo "error: fc-list :lang=ar lists no font after installing ${missing[*]}." >&2
            exit 1
        fi
    fi
    exit 0
fi

echo
echo "Chromium or an Arabic font is missing, so the browser tests will be skipped."
if command -v apt-get >/dev/null 2>&1; then
    echo "Install them as root with:"
    echo "    apt-get install --no-install-recommends ${missing[*]}"
else
    echo "Install Playwright's own Chromium with:"
    echo "    $PYTHON -m playwright install chromium"
    echo "or set CHROMIUM_PATH to a Chromium or Chrome executable."
fi
exit 0
