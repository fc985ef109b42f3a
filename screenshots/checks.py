"""Checks made on the live page while a scenario runs.

APS's go-live checklist requires a screenshot proving that the 3-D Secure
page opens in the main window, not in a popup or an iframe.
``assert_main_frame`` checks exactly that on the page being captured.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Page


class MainFrameError(AssertionError):
    """Raised when a page that must fill the main window is elsewhere (popup, iframe) or absent."""


@dataclass(frozen=True)
class MainFrameEvidence:
    """Evidence of the main-frame check: the main frame's URL and the numbers of open tabs and of frames."""

    main_frame_url: str
    pages_in_context: int
    frames_in_page: int


def assert_main_frame(page: Page, url_pattern: str | re.Pattern[str]) -> MainFrameEvidence:
    """Check that the page matching ``url_pattern`` is the top-level document of the only tab.

    Fails when the main frame shows another URL (the page would then be in a
    popup or an iframe), when another tab or popup is open in the context, or
    when an iframe also shows a matching URL.
    """
    pattern = re.compile(url_pattern) if isinstance(url_pattern, str) else url_pattern
    main_url = page.main_frame.url
    if not pattern.search(main_url):
        raise MainFrameError(
            f"the main frame shows {main_url}, not a URL matching {pattern.pattern!r}: "
            "the page is in a popup or an iframe, or was never opened"
        )

    others = [other.url for other in page.context.pages if other is not page]
    if others:
        raise MainFrameError(f"other tabs or popups are open next to the main window: {', '.join(others)}")

    framed = [frame.url for frame in page.frames if frame is not page.main_frame and pattern.search(frame.url)]
    if framed:
        raise MainFrameError(f"an iframe also shows a matching URL: {', '.join(framed)}")

    return MainFrameEvidence(main_url, len(page.context.pages), len(page.frames))
