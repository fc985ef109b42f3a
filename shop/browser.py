"""Find and launch Chromium through Playwright, quiet on a closed network.

The executable is looked up in this order:

1. the ``CHROMIUM_PATH`` environment variable (an error if it names no file);
2. Debian's Chromium, ``/usr/lib/chromium/chromium`` then ``/usr/bin/chromium``
   (the first skips the wrapper script that adds flags of its own);
3. Playwright's own Chromium, present after ``playwright install chromium``;
4. an installed Google Chrome (Playwright's ``channel="chrome"``).

``python -m shop.browser --check`` launches the browser that would be used,
prints where it came from and exits with 1 when none is found.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Playwright

SYSTEM_CHROMIUM_PATHS = ("/usr/lib/chromium/chromium", "/usr/bin/chromium")

# Without these, Chromium keeps opening connections to Google's services
# (updates, sync, safe browsing), which a closed network refuses.
QUIET_FLAGS = (
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
)

INSTALL_HINT = (
    "Install one: on Debian or Ubuntu run `make browser` as root "
    "(it runs apt-get install chromium fonts-noto-core); on a laptop run "
    "`.venv/bin/playwright install chromium`; or set CHROMIUM_PATH to a Chromium or Chrome executable."
)


class BrowserNotFoundError(RuntimeError):
    """Raised when no Chromium or Chrome executable can be found."""


class BrowserLaunchError(RuntimeError):
    """Raised when a Chromium executable was found but failed to start."""


@dataclass(frozen=True)
class ChromiumCandidate:
    """One way to start Chromium: an executable path, Playwright's default build or a channel."""

    source: str
    executable_path: str | None = None
    channel: str | None = None
    # True when a missing executable means "try the next candidate" rather than an error.
    optional: bool = False

    def launch_options(self) -> dict[str, str]:
        options = {}
        if self.executable_path:
            options["executable_path"] = self.executable_path
        if self.channel:
            options["channel"] = self.channel
        return options

    def describe(self) -> str:
        return f"{self.source} ({self.executable_path})" if self.executable_path else self.source


def chromium_args(extra_args: Sequence[str] = ()) -> list[str]:
    """Return the command-line flags for Chromium, with ``--no-sandbox`` only when running as root."""
    args = list(QUIET_FLAGS)
    # Chromium refuses to start as root with its sandbox on. Playwright also
    # adds this flag by itself unless the launch passes chromium_sandbox=True.
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.insert(0, "--no-sandbox")
    args.extend(extra_args)
    return args


def chromium_candidates() -> list[ChromiumCandidate]:
    """List the executables to try, in lookup order.

    Raises ``BrowserNotFoundError`` when CHROMIUM_PATH names no executable file.
    """
    configured = os.environ.get("CHROMIUM_PATH", "").strip()
    if configured:
        if not (os.path.isfile(configured) and os.access(configured, os.X_OK)):
            raise BrowserNotFoundError(
                f"CHROMIUM_PATH={configured!r} is not an executable file; "
                "point it to a Chromium or Chrome executable or unset it."
            )
        return [ChromiumCandidate("CHROMIUM_PATH", executable_path=configured)]

    candidates = [
        ChromiumCandidate("Debian's Chromium", executable_path=path)
        for path in SYSTEM_CHROMIUM_PATHS
        if os.path.isfile(path) and os.access(path, os.X_OK)
    ][:1]
    # Neither of these can be checked without launching: Playwright picks its
    # headless shell or its full build by itself, and Chrome's path depends on
    # the operating system. A launch that reports a missing executable moves on.
    candidates.append(ChromiumCandidate("Playwright's bundled Chromium", optional=True))
    candidates.append(ChromiumCandidate("Google Chrome", channel="chrome", optional=True))
    return candidates


def launch_chromium(
    playwright: Playwright,
    *,
    headless: bool = True,
    args: Sequence[str] = (),
    **launch_options: Any,
) -> Browser:
    """Launch the first Chromium found and record where it came from in the browser's ``source`` attribute.

    Raises ``BrowserNotFoundError`` when none is installed and
    ``BrowserLaunchError`` when the one found does not start.
    """
    from playwright.sync_api import Error as PlaywrightError

    for candidate in chromium_candidates():
        options = {**candidate.launch_options(), **launch_options}
        try:
            browser = playwright.chromium.launch(headless=headless, args=chromium_args(args), **options)
        except PlaywrightError as error:
            if candidate.optional and _is_missing_executable(error):
                continue
            raise BrowserLaunchError(f"{candidate.describe()} failed to start: {error.message}") from error
        browser.source = candidate.describe()  # type: ignore[attr-defined]
        return browser
    raise BrowserNotFoundError(f"No Chromium or Chrome executable was found. {INSTALL_HINT}")


def _is_missing_executable(error: Exception) -> bool:
    text = str(error).lower()
    return "is not found" in text or "doesn't exist" in text or "not installed" in text


@contextmanager
def open_chromium(*, headless: bool = True, args: Sequence[str] = (), **launch_options: Any) -> Iterator[Browser]:
    """Start Playwright and Chromium for a ``with`` block, and close both afterwards."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright, headless=headless, args=args, **launch_options)
        try:
            yield browser
        finally:
            browser.close()


def main(argv: Sequence[str] | None = None) -> int:
    """Check that Chromium can be launched and report which one; return the exit code."""
    parser = argparse.ArgumentParser(
        prog="python -m shop.browser",
        description="Find Chromium for Playwright and check that it starts headless.",
    )
    parser.add_argument("--check", action="store_true", help="launch the browser once and print where it came from")
    parser.parse_args(argv)

    try:
        with open_chromium() as browser:
            print(f"Chromium {browser.version}: {browser.source}")  # type: ignore[attr-defined]
    except BrowserNotFoundError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except BrowserLaunchError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
