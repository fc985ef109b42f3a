"""Runner behaviour in Chromium: the 3-D Secure main-frame check, a failing scenario, the window mode."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from screenshots import registry
from screenshots.checks import MainFrameError, assert_main_frame
from screenshots.registry import SUCCESS, Scenario, Step
from screenshots.run import EXIT_OK, EXIT_SCENARIO_FAILED, EXIT_SETUP_FAILED, Options, main, run_kit
from screenshots.scenarios import card

# Pages served by page.route, so no server is needed; the address is never connected to.
ORIGIN = "http://127.0.0.1:9"
THREEDS_URL = f"{ORIGIN}/sim/3ds/session-1"
THREEDS_PAGE = "<!doctype html><title>3-D Secure</title><h1>3-D Secure</h1>"


def serve(page, routes: dict[str, str]) -> None:
    def handler(body: str):
        return lambda route: route.fulfill(status=200, content_type="text/html", body=body)

    for url, body in routes.items():
        page.route(url, handler(body))


# -- the main-frame check ------------------------------------------------------------


def test_main_frame_passes_top_level(page):
    serve(page, {THREEDS_URL: THREEDS_PAGE})
    page.goto(THREEDS_URL)
    evidence = assert_main_frame(page, card.THREEDS_PAGE_URL)
    assert evidence.main_frame_url == THREEDS_URL
    assert evidence.frames_in_page == 1
    assert evidence.pages_in_context == 1


def test_main_frame_fails_in_iframe(page):
    checkout = f"{ORIGIN}/checkout/"
    serve(page, {checkout: f'<!doctype html><h1>Shop</h1><iframe src="{THREEDS_URL}"></iframe>',
                 THREEDS_URL: THREEDS_PAGE})
    page.goto(checkout)
    page.frame_locator("iframe").locator("h1").wait_for()
    assert any(frame.url == THREEDS_URL for frame in page.frames)
    with pytest.raises(MainFrameError, match="the main frame shows http://127.0.0.1:9/checkout/"):
        assert_main_frame(page, card.THREEDS_PAGE_URL)


def test_main_frame_fails_nested_iframe(page):
    wrapper = f"{ORIGIN}/sim/3ds/wrapper"
    serve(page, {wrapper: f'<!doctype html><iframe src="{THREEDS_URL}"></iframe>', THREEDS_URL: THREEDS_PAGE})
    page.goto(wrapper)
    page.frame_locator("iframe").locator("h1").wait_for()
    with pytest.raises(MainFrameError, match="an iframe also shows"):
        assert_main_frame(page, card.THREEDS_PAGE_URL)


def test_main_frame_fails_with_popup(page):
    serve(page, {THREEDS_URL: THREEDS_PAGE})
    page.goto(THREEDS_URL)
    popup = page.context.new_page()
    try:
        with pytest.raises(MainFrameError, match="other tabs or popups"):
            assert_main_frame(page, card.THREEDS_PAGE_URL)
    finally:
        popup.close()


# -- a failing scenario ---------------------------------------------------------------


def _missing_element(run):
    run.page.locator("#no-such-element").wait_for(timeout=500)
    run.capture()


BROKEN = Scenario(
    name="broken-checkout",
    method="card",
    outcome=SUCCESS,
    languages=("en",),
    steps=(card.PRE_CHECKOUT, Step("checkout", _missing_element, "Checkout page"), card.PAYMENT_PAGE),
    archive="broken",
    test_case="A scenario whose second step fails",
    data={"sku": card.PRODUCT_SKU},
)


def test_failing_scenario_stops_and_keeps_what_was_captured(playwright, browser, tmp_path, capsys):
    lines: list[str] = []
    result = run_kit(Options(out_dir=tmp_path, run_name="broken", checklist=False),
                     playwright=playwright, browser=browser, scenarios=[BROKEN], output=lines.append)

    assert result.exit_code == EXIT_SCENARIO_FAILED
    assert "scenario broken-checkout (en) failed at step checkout" in result.failure
    error = capsys.readouterr().err
    assert "FAILED: scenario broken-checkout (en) failed at step checkout" in error
    assert "[  1/3] broken-checkout en pre-checkout  ok" in lines[2]
    assert lines[3] == "[  2/3] broken-checkout en checkout  FAILED"

    run_dir = tmp_path / "broken"
    manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    assert [image["step"] for image in manifest["images"]] == ["pre-checkout"]
    assert (run_dir / manifest["images"][0]["file"]).is_file()
    assert manifest["scenarios"][0]["passed"] is False
    assert "no-such-element" in manifest["scenarios"][0]["error"]
    assert "failed at step checkout" in manifest["run"]["failure"]
    assert (run_dir / "failure-broken-checkout-en-checkout.png").is_file()
    assert (run_dir / "merchant-references.csv").is_file()
    assert not list(run_dir.glob("*.zip"))


def test_cli_exit_status_on_failure(playwright, browser, tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(registry._REGISTRY, BROKEN.name, BROKEN)
    code = main(["--scenario", BROKEN.name, "--out", str(tmp_path), "--no-checklist", "--timeout", "5"],
                playwright=playwright)
    assert code == EXIT_SCENARIO_FAILED
    captured = capsys.readouterr()
    assert "FAILED: scenario broken-checkout (en) failed at step checkout" in captured.err
    assert re.search(r"\[\s*1/3\] broken-checkout en pre-checkout  ok", captured.out)


# -- window mode ---------------------------------------------------------------------


def test_window_mode_without_xvfb_fails_clearly(playwright, tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name, *args, **kwargs: None)
    lines: list[str] = []
    result = run_kit(Options(frame="window", out_dir=tmp_path, scenarios=("card-success",)),
                     playwright=playwright, output=lines.append)
    assert result.exit_code == EXIT_SETUP_FAILED
    assert "Xvfb is not installed" in result.failure
    assert "--frame drawn" in lines[-1]


@pytest.mark.skipif(shutil.which("Xvfb") is None, reason="Xvfb is not installed (apt-get install xvfb)")
def test_window_mode_captures_the_browser_window(playwright, tmp_path):
    from screenshots.capture import DEFAULT_HEIGHT, DEFAULT_WIDTH

    lines: list[str] = []
    result = run_kit(Options(frame="window", out_dir=tmp_path, run_name="window", checklist=False,
                             scenarios=("card-3ds-success",), languages=("ar",)),
                     playwright=playwright, output=lines.append)
    assert result.exit_code == EXIT_OK, "\n".join(lines)

    manifest = json.loads((tmp_path / "window" / "manifest.json").read_text(encoding="utf-8"))
    # A page taller than the window is captured in several parts of the same step.
    steps = list(dict.fromkeys(image["step"] for image in manifest["images"]))
    assert steps == ["pre-checkout", "checkout", "payment-page", "3ds", "success"]
    for image in manifest["images"]:
        if image["part"] > 1:
            assert image["file"].endswith(f"-part{image['part']}.png")
    for image in manifest["images"]:
        assert image["frame"] == "window"
        assert image["url_drawn"] is None
        assert (image["width"], image["height"]) == (DEFAULT_WIDTH, DEFAULT_HEIGHT)
        assert Path(tmp_path / "window" / image["file"]).is_file()
    threeds = next(image for image in manifest["images"] if image["step"] == "3ds")
    assert threeds["main_frame"]["frames_in_page"] == 1
    assert threeds["main_frame"]["pages_in_context"] == 1
