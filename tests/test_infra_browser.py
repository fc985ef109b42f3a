"""The Chromium launcher: lookup order, flags, the check command and Arabic rendering."""

from __future__ import annotations

import io
import itertools
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageChops

from shop import browser as launcher

REPO_ROOT = Path(__file__).resolve().parent.parent
PROCESS_TIMEOUT = 120

ARABIC_TEXT = "مرحبا بكم في المتجر ١٢٣"


def make_executable(path: Path) -> str:
    path.write_text("#!/bin/sh\nexit 1\n")
    path.chmod(0o755)
    return str(path)


# -- lookup order and flags ---------------------------------------------------


def test_args_add_no_sandbox_only_as_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    as_root = launcher.chromium_args(["--lang=ar"])
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    as_user = launcher.chromium_args()

    assert as_root[0] == "--no-sandbox"
    assert as_root[-1] == "--lang=ar"
    assert "--no-sandbox" not in as_user
    for flag in ("--disable-background-networking", "--disable-component-update", "--disable-quic"):
        assert flag in as_root
        assert flag in as_user


def test_candidates_start_with_system_chromium(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    installed = make_executable(tmp_path / "chromium")
    monkeypatch.delenv("CHROMIUM_PATH", raising=False)
    monkeypatch.setattr(launcher, "SYSTEM_CHROMIUM_PATHS", (str(tmp_path / "missing"), installed))

    candidates = launcher.chromium_candidates()

    assert [c.executable_path for c in candidates] == [installed, None, None]
    assert candidates[1].source == "Playwright's bundled Chromium"
    assert candidates[2].channel == "chrome"


def test_candidates_without_system_chromium(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("CHROMIUM_PATH", raising=False)
    monkeypatch.setattr(launcher, "SYSTEM_CHROMIUM_PATHS", (str(tmp_path / "missing"),))

    candidates = launcher.chromium_candidates()

    assert [c.source for c in candidates] == ["Playwright's bundled Chromium", "Google Chrome"]
    assert all(c.optional for c in candidates)


def test_chromium_path_replaces_lookup(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    configured = make_executable(tmp_path / "my-chrome")
    monkeypatch.setenv("CHROMIUM_PATH", configured)

    candidates = launcher.chromium_candidates()

    assert len(candidates) == 1
    assert candidates[0].executable_path == configured
    assert not candidates[0].optional


def test_chromium_path_to_missing_file_raises(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CHROMIUM_PATH", str(tmp_path / "no-such-chrome"))

    with pytest.raises(launcher.BrowserNotFoundError, match="CHROMIUM_PATH="):
        launcher.chromium_candidates()


# -- the check command --------------------------------------------------------


def run_python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=PROCESS_TIMEOUT,
    )


def test_check_explains_missing_browser(tmp_path: Path) -> None:
    if any(os.path.exists(path) for path in ("/opt/google/chrome/chrome", "/Applications/Google Chrome.app")):
        pytest.skip("Google Chrome is installed, so a browser is always found")
    env = {**os.environ, "PLAYWRIGHT_BROWSERS_PATH": str(tmp_path / "no-browsers")}
    env.pop("CHROMIUM_PATH", None)

    result = run_python(
        """
        import sys
        import shop.browser
        shop.browser.SYSTEM_CHROMIUM_PATHS = ()
        sys.exit(shop.browser.main(["--check"]))
        """,
        env,
    )

    assert result.returncode == 1, result.stderr
    assert "No Chromium or Chrome executable was found" in result.stderr
    assert "make browser" in result.stderr
    assert "playwright install chromium" in result.stderr


def test_check_reports_broken_executable(tmp_path: Path) -> None:
    env = {**os.environ, "CHROMIUM_PATH": make_executable(tmp_path / "broken-chrome")}

    result = run_python("import sys, shop.browser; sys.exit(shop.browser.main(['--check']))", env)

    assert result.returncode == 2
    assert "CHROMIUM_PATH" in result.stderr
    assert "failed to start" in result.stderr


@pytest.mark.browser
def test_check_launches_found_chromium(browser: Any) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "shop.browser", "--check"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=PROCESS_TIMEOUT,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Chromium ")
    assert browser.source in result.stdout


# -- rendering ----------------------------------------------------------------


def render_text(page: Any, text: str, size: int = 64) -> Image.Image:
    """Render ``text`` right to left in black on white and return the grayscale screenshot."""
    page.set_content(
        f"""<!doctype html>
        <html lang="ar" dir="rtl"><head><meta charset="utf-8"></head>
        <body style="margin:0;background:#fff;color:#000;font:{size}px sans-serif">
        <p id="text" style="margin:40px">{text}</p></body></html>"""
    )
    return Image.open(io.BytesIO(page.screenshot())).convert("L")


def dark_pixels(image: Image.Image) -> int:
    return sum(image.point(lambda value: 255 if value < 128 else 0).histogram()[255:])


def test_page_fixture_settings(page: Any) -> None:
    assert page.viewport_size == {"width": 1280, "height": 900}
    assert page.evaluate("navigator.language") == "en-US"


def test_arabic_text_renders_right_to_left(page: Any) -> None:
    image = render_text(page, ARABIC_TEXT, size=40)
    left, right = page.evaluate(
        """() => {
            const range = document.createRange();
            range.selectNodeContents(document.getElementById("text"));
            const box = range.getBoundingClientRect();
            return [box.left, box.right];
        }"""
    )

    assert image.size == (1280, 900)
    assert dark_pixels(image) > 1000
    # Right to left: the text ends at the paragraph's right margin and
    # leaves the left half of the page empty.
    assert abs(right - (1280 - 40)) < 2
    assert left > 1280 / 2
    assert dark_pixels(image.crop((0, 0, 640, 900))) == 0
    assert dark_pixels(image.crop((int(left), 0, int(right) + 1, 900))) > 1000


def test_arabic_letters_have_own_glyphs(page: Any) -> None:
    # Without a font for Arabic, every letter is drawn as the same empty box.
    letters = ["ب", "ج", "س", "ع", "م"]
    images = {letter: render_text(page, letter, size=96) for letter in letters}

    for letter, image in images.items():
        assert dark_pixels(image) > 100, f"{letter} left no mark"
    for first, second in itertools.combinations(letters, 2):
        difference = ImageChops.difference(images[first], images[second])
        assert difference.getbbox() is not None, f"{first} and {second} render the same glyph"
