"""The two ways of taking a screenshot with the URL visible.

``DrawnFrameCapture`` (``--frame drawn``): headless Chromium, a full-page
screenshot, and a browser-like bar drawn above it showing ``page.url``, stamped
as a drawing. Works anywhere Chromium runs.

``WindowCapture`` (``--frame window``): headed Chromium under Xvfb, and the X
screen (which is exactly the browser window) captured with Pillow. The address
bar is Chromium's own. Only the visible part of the page is on screen, so a
page taller than the window is captured in several parts while scrolling.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from PIL import Image, ImageGrab

from shop.browser import BrowserNotFoundError, chromium_args, chromium_candidates

from .frames import frame_screenshot
from .xvfb import Xvfb

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, Playwright

DEFAULT_WIDTH = 1280
DEFAULT_HEIGHT = 900
# Pixels of the previous screen kept at the top of the next part in window mode, so no line is cut in two.
SCROLL_OVERLAP = 80
# Window mode stops after this many parts of one page.
MAX_WINDOW_PARTS = 6
# Seconds given to Chromium to paint a scrolled view before the X screen is read.
PAINT_WAIT_SECONDS = 0.1
# Locale of the browser context per page language: it sets Accept-Language.
LOCALES = {"en": "en-US", "ar": "ar-SA"}


@dataclass(frozen=True)
class Shot:
    """One image written to disk and what the browser reported when it was taken."""

    path: Path
    url: str
    title: str
    captured_at: dt.datetime
    width: int
    height: int
    part: int = 1
    # Drawn mode only: the exact strings drawn into the address bar and the tab.
    url_drawn: str | None = None
    title_drawn: str | None = None


class Capture(Protocol):
    """A screenshot mode: opens pages for scenarios and captures them with their URL visible."""

    mode: str

    def new_page(self, language: str) -> Page: ...

    def close_page(self, page: Page) -> None: ...

    def shoot(self, page: Page, path: Path) -> list[Shot]: ...

    def close(self) -> None: ...


def _wait_until_drawn(page: Page) -> None:
    """Wait for the page's load event and its web fonts, so no text is captured half-rendered."""
    page.wait_for_load_state("load")
    page.evaluate("document.fonts.ready.then(() => true)")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


class DrawnFrameCapture:
    """Headless full-page screenshots framed with a drawn address bar."""

    mode = "drawn"

    def __init__(self, browser: Browser, width: int = DEFAULT_WIDTH, height: int = DEFAULT_HEIGHT) -> None:
        self.browser = browser
        self.width = width
        self.height = height

    def new_page(self, language: str) -> Page:
        context = self.browser.new_context(
            locale=LOCALES.get(language, "en-US"),
            viewport={"width": self.width, "height": self.height},
            device_scale_factor=1,
        )
        return context.new_page()

    def close_page(self, page: Page) -> None:
        page.context.close()

    def shoot(self, page: Page, path: Path) -> list[Shot]:
        _wait_until_drawn(page)
        url, title = page.url, page.title()
        png = page.screenshot(full_page=True, animations="disabled", caret="hide")
        captured_at = _now()
        framed, header = frame_screenshot(Image.open(io.BytesIO(png)), url, title, captured_at)
        framed.save(path, format="PNG")
        return [Shot(path, url, title, captured_at, framed.width, framed.height, 1, header.url_drawn, header.title_drawn)]

    def close(self) -> None:
        """Nothing to release: the browser belongs to the caller."""


class WindowCapture:
    """Screenshots of a real Chromium window on an Xvfb screen of the window's size.

    Chromium gets a fresh profile with ``omnibox.prevent_url_elisions`` (so
    the address bar keeps ``http://``), and with translation, card autofill
    and the password manager off (so none of their bubbles covers the page). Each scenario opens a new tab and
    closes the others, because the first tab's address bar starts focused with
    its text selected.
    """

    mode = "window"

    def __init__(self, playwright: Playwright, width: int = DEFAULT_WIDTH, height: int = DEFAULT_HEIGHT) -> None:
        self.width = width
        self.height = height
        self._profile = Path(tempfile.mkdtemp(prefix="aps-golive-profile-"))
        self._xvfb = Xvfb(width, height).start()
        try:
            self._write_preferences()
            self.context = self._launch(playwright)
        except BaseException:
            self.close()
            raise

    def _write_preferences(self) -> None:
        preferences = {
            "omnibox": {"prevent_url_elisions": True},
            "translate": {"enabled": False},
            # Otherwise a "Save card?" bubble covers the 3-D Secure page after the card form.
            "autofill": {"credit_card_enabled": False, "profile_enabled": False},
            "credentials_enable_service": False,
            "profile": {"password_manager_enabled": False},
            "browser": {"has_seen_welcome_page": True},
        }
        default = self._profile / "Default"
        default.mkdir(parents=True, exist_ok=True)
        (default / "Preferences").write_text(json.dumps(preferences), encoding="utf-8")

    def _launch(self, playwright: Playwright) -> BrowserContext:
        from playwright.sync_api import Error as PlaywrightError

        environment = {**os.environ, "DISPLAY": self._xvfb.display or ""}
        args = chromium_args([f"--window-size={self.width},{self.height}", "--window-position=0,0"])
        errors = []
        for candidate in chromium_candidates():
            try:
                return playwright.chromium.launch_persistent_context(
                    str(self._profile),
                    headless=False,
                    no_viewport=True,
                    args=args,
                    env=environment,
                    locale="en-US",
                    **candidate.launch_options(),
                )
            except PlaywrightError as error:
                errors.append(f"{candidate.describe()}: {error.message.splitlines()[0]}")
                if not candidate.optional:
                    break
        raise BrowserNotFoundError("No Chromium window could be opened under Xvfb: " + "; ".join(errors))

    def new_page(self, language: str) -> Page:
        # One persistent profile serves every scenario, so each starts without the previous one's cookies.
        # Its locale stays en-US: the shop's language comes from the scenario's ?lang= and APS's from the request.
        self.context.clear_cookies()
        page = self.context.new_page()
        for other in self.context.pages:
            if other is not page:
                other.close()
        page.bring_to_front()
        return page

    def close_page(self, page: Page) -> None:
        """Keep the tab: closing the last tab would close the window; the next scenario replaces it."""

    def shoot(self, page: Page, path: Path) -> list[Shot]:
        _wait_until_drawn(page)
        url, title = page.url, page.title()
        viewport_height = int(page.evaluate("window.innerHeight"))
        page_height = int(page.evaluate("document.documentElement.scrollHeight"))
        step = max(viewport_height - SCROLL_OVERLAP, 1)
        shots = []
        offset = 0
        for part in range(1, MAX_WINDOW_PARTS + 1):
            # Scrolling moves the view only; the page's content stays as the site rendered it.
            page.evaluate("offset => window.scrollTo(0, offset)", offset)
            time.sleep(PAINT_WAIT_SECONDS)
            image = ImageGrab.grab(xdisplay=self._xvfb.display).convert("RGB")
            target = path if part == 1 else path.with_name(f"{path.stem}-part{part}{path.suffix}")
            image.save(target, format="PNG")
            shots.append(Shot(target, url, title, _now(), image.width, image.height, part))
            if offset + viewport_height >= page_height:
                break
            offset += step
        page.evaluate("window.scrollTo(0, 0)")
        return shots

    def close(self) -> None:
        context = getattr(self, "context", None)
        if context is not None:
            context.close()
            self.context = None
        self._xvfb.stop()
        shutil.rmtree(self._profile, ignore_errors=True)


def open_capture(mode: str, playwright: Playwright, browser_factory: Any) -> Capture:
    """Return the capture of ``mode``; ``browser_factory()`` launches headless Chromium for drawn mode."""
    if mode == "window":
        return WindowCapture(playwright)
    if mode == "drawn":
        return DrawnFrameCapture(browser_factory())
    raise ValueError(f"frame mode {mode!r} is invalid; use drawn or window")
