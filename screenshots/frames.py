"""A browser-like frame drawn around a headless screenshot, showing the page's URL.

A headless screenshot contains page pixels only, yet APS's go-live checklist
requires the URL to be visible in every certification screenshot. This module
draws a tab strip, a toolbar with an address bar holding ``page.url`` as
Chromium reports it, and a stamp line saying that the bar is a drawing.
Nothing is added to the page itself.

The header depends only on its inputs (width, URL, title, capture time), so
``render_header`` can draw it again to check an image afterwards.
"""

from __future__ import annotations

import datetime as dt
import functools
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

TAB_STRIP_HEIGHT = 38
TOOLBAR_HEIGHT = 46
STAMP_HEIGHT = 24
HEADER_HEIGHT = TAB_STRIP_HEIGHT + TOOLBAR_HEIGHT + STAMP_HEIGHT + 1  # +1: the line above the page

STRIP_COLOUR = (222, 225, 230)
TAB_COLOUR = (255, 255, 255)
TOOLBAR_COLOUR = (255, 255, 255)
OMNIBOX_COLOUR = (241, 243, 244)
TEXT_COLOUR = (32, 33, 36)
ICON_COLOUR = (95, 99, 104)
STAMP_COLOUR = (255, 248, 225)
STAMP_TEXT_COLOUR = (110, 80, 0)
LINE_COLOUR = (200, 200, 200)

URL_FONT_SIZE = 15
MIN_URL_FONT_SIZE = 10
TITLE_FONT_SIZE = 13
STAMP_FONT_SIZE = 12
TAB_WIDTH = 260
ELLIPSIS = "…"

STAMP_TEMPLATE = (
    "Address bar drawn by aps-storefront from the URL Chromium reported for this page "
    "(headless full-page capture, not a window screenshot) · {captured_at}"
)

# Font files tried in order where fontconfig is missing (macOS, Windows).
FALLBACK_FONT_FILES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/Library/Fonts/Arial Unicode.ttf",
    "/System/Library/Fonts/Supplemental/Arial Unicode.ttf",
    "C:/Windows/Fonts/arial.ttf",
)


class FontNotFoundError(RuntimeError):
    """Raised when no font with both Latin and Arabic glyphs can be found for the drawn bar."""


@functools.cache
def font_path() -> str:
    """Return a font file with Latin and Arabic glyphs, found through fontconfig when present.

    Titles of Arabic pages are drawn in the tab, so a Latin-only font would
    show boxes there.
    """
    if shutil.which("fc-match"):
        # charset 41 is "A" and 627 is Arabic alef: the font must contain both.
        result = subprocess.run(
            ["fc-match", "--format=%{file}", "sans-serif:charset=41 627"],
            capture_output=True, text=True, check=False,
        )
        found = result.stdout.strip()
        if result.returncode == 0 and found and Path(found).is_file():
            return found
    for candidate in FALLBACK_FONT_FILES:
        if Path(candidate).is_file():
            return candidate
    raise FontNotFoundError(
        "No font with Latin and Arabic glyphs was found for the drawn address bar. "
        "On Debian or Ubuntu run `make browser` as root (it installs fonts-dejavu-core and fonts-noto-core)."
    )


@functools.cache
def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(font_path(), size)


def _text_width(text: str, font: ImageFont.FreeTypeFont) -> float:
    return font.getlength(text)


def _fit(text: str, font: ImageFont.FreeTypeFont, width: float) -> str:
    """Cut ``text`` at its end and add an ellipsis until it fits ``width`` pixels."""
    if _text_width(text, font) <= width:
        return text
    while text and _text_width(text + ELLIPSIS, font) > width:
        text = text[:-1]
    return text + ELLIPSIS


@dataclass(frozen=True)
class DrawnHeader:
    """The drawn header and the exact strings written into it."""

    image: Image.Image
    url_drawn: str
    title_drawn: str
    stamp: str


def stamp_text(captured_at: dt.datetime) -> str:
    return STAMP_TEMPLATE.format(captured_at=captured_at.strftime("%Y-%m-%d %H:%M:%S UTC"))


def render_header(width: int, url: str, title: str, captured_at: dt.datetime) -> DrawnHeader:
    """Draw the tab strip, the toolbar with ``url`` in its address bar, and the stamp line.

    The URL is drawn whole: its font shrinks down to MIN_URL_FONT_SIZE before
    it is cut, and ``url_drawn`` reports what was actually drawn.
    """
    image = Image.new("RGB", (width, HEADER_HEIGHT), STRIP_COLOUR)
    draw = ImageDraw.Draw(image)

    # Tab with the page title.
    title_font = _font(TITLE_FONT_SIZE)
    tab_right = min(8 + TAB_WIDTH, width - 8)
    draw.rounded_rectangle((8, 6, tab_right, TAB_STRIP_HEIGHT + 8), radius=8, fill=TAB_COLOUR)
    draw.ellipse((20, 15, 34, 29), outline=ICON_COLOUR, width=2)
    title_drawn = _fit(title or url, title_font, tab_right - 44 - 12)
    draw.text((44, 22), title_drawn, font=title_font, fill=TEXT_COLOUR, anchor="lm")

    # Toolbar: back, forward and reload, then the address bar.
    top = TAB_STRIP_HEIGHT
    draw.rectangle((0, top, width, top + TOOLBAR_HEIGHT), fill=TOOLBAR_COLOUR)
    icon_font = _font(20)
    middle = top + TOOLBAR_HEIGHT // 2
    for x, glyph in ((22, "←"), (54, "→"), (86, "↻")):
        draw.text((x, middle), glyph, font=icon_font, fill=ICON_COLOUR, anchor="mm")

    box_left, box_right = 110, width - 16
    draw.rounded_rectangle((box_left, top + 7, box_right, top + TOOLBAR_HEIGHT - 7), radius=16, fill=OMNIBOX_COLOUR)
    _draw_site_icon(draw, box_left + 20, middle, secure=url.startswith("https://"))
    text_left = box_left + 38
    available = box_right - 16 - text_left
    size = URL_FONT_SIZE
    while size > MIN_URL_FONT_SIZE and _text_width(url, _font(size)) > available:
        size -= 1
    url_font = _font(size)
    url_drawn = _fit(url, url_font, available)
    # The URL is drawn left to right whatever script it contains, as browsers show it.
    draw.text((text_left, middle), url_drawn, font=url_font, fill=TEXT_COLOUR, anchor="lm", direction="ltr")

    # Stamp line, so that no reviewer mistakes the drawing for a real browser window.
    stamp_top = top + TOOLBAR_HEIGHT
    stamp = stamp_text(captured_at)
    draw.rectangle((0, stamp_top, width, stamp_top + STAMP_HEIGHT), fill=STAMP_COLOUR)
    stamp_font = _font(STAMP_FONT_SIZE)
    draw.text((12, stamp_top + STAMP_HEIGHT // 2), _fit(stamp, stamp_font, width - 24), font=stamp_font,
              fill=STAMP_TEXT_COLOUR, anchor="lm")
    draw.line((0, HEADER_HEIGHT - 1, width, HEADER_HEIGHT - 1), fill=LINE_COLOUR)
    return DrawnHeader(image, url_drawn, title_drawn, stamp)


def _draw_site_icon(draw: ImageDraw.ImageDraw, x: int, y: int, secure: bool) -> None:
    """Draw a padlock for https, an information circle otherwise, like Chromium's site icon."""
    if secure:
        draw.rounded_rectangle((x - 6, y - 2, x + 6, y + 7), radius=2, fill=ICON_COLOUR)
        draw.arc((x - 4, y - 9, x + 4, y + 1), start=180, end=360, fill=ICON_COLOUR, width=2)
        draw.line((x - 4, y - 4, x - 4, y - 1), fill=ICON_COLOUR, width=2)
        draw.line((x + 4, y - 4, x + 4, y - 1), fill=ICON_COLOUR, width=2)
        return
    draw.ellipse((x - 8, y - 8, x + 8, y + 8), outline=ICON_COLOUR, width=2)
    draw.line((x, y - 1, x, y + 4), fill=ICON_COLOUR, width=2)
    draw.point((x, y - 4), fill=ICON_COLOUR)
    draw.rectangle((x - 1, y - 5, x, y - 4), fill=ICON_COLOUR)


def frame_screenshot(page_png: Image.Image, url: str, title: str, captured_at: dt.datetime) -> tuple[Image.Image, DrawnHeader]:
    """Put the drawn header above a page screenshot; return the framed image and the header."""
    page_png = page_png.convert("RGB")
    header = render_header(page_png.width, url, title, captured_at)
    framed = Image.new("RGB", (page_png.width, HEADER_HEIGHT + page_png.height), TAB_COLOUR)
    framed.paste(header.image, (0, 0))
    framed.paste(page_png, (0, HEADER_HEIGHT))
    return framed, header
