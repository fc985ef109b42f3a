"""Runner of the APS go-live kit: every scenario, its screenshots and the certification package.

    python -m screenshots [--frame drawn|window] [--base-url URL]
                          [--method M] [--language L] [--scenario S] [--out DIR]

Without ``--base-url`` the shop and the APS simulator are started on free
ports of 127.0.0.1 with a throw-away database. Each step prints one line. A
failing step stops the run with a message naming the scenario and the step,
keeps the images taken so far with their manifest, and exits with status 1.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import re
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import registry
from .capture import Capture, open_capture
from .checks import MainFrameEvidence, assert_main_frame
from .package import (
    APS_ARCHIVE_LIMIT_BYTES,
    ArchiveResult,
    ImageRecord,
    ScenarioResult,
    build_archives,
    write_manifest,
    write_references,
    write_signoff_email,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Playwright, Request

    from .registry import Scenario

DEFAULT_OUT_DIR = Path(__file__).resolve().parent / "out"
DEFAULT_TIMEOUT_SECONDS = 20.0

EXIT_OK = 0
EXIT_SCENARIO_FAILED = 1
EXIT_SETUP_FAILED = 2
EXIT_OVER_LIMIT = 3

# The shop's hand-over route carries the attempt's merchant_reference in its path.
PAY_URL = re.compile(r"/checkout/pay/([A-Za-z0-9._-]+)")

Output = Callable[[str], None]


@dataclass
class Options:
    """Run settings: the scenarios to run and the output folder, filled from the command line by ``main``."""

    base_url: str | None = None
    frame: str = "drawn"
    methods: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    scenarios: tuple[str, ...] = ()
    out_dir: Path = DEFAULT_OUT_DIR
    run_name: str | None = None
    size_limit: int = APS_ARCHIVE_LIMIT_BYTES
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS
    checklist: bool = True
    verbose: bool = False


@dataclass
class KitResult:
    """Result of a run: its exit status, folder, images, scenario results and archives."""

    exit_code: int
    run_dir: Path | None = None
    records: list[ImageRecord] = field(default_factory=list)
    results: list[ScenarioResult] = field(default_factory=list)
    archives: list[ArchiveResult] = field(default_factory=list)
    failure: str | None = None


def describe_error(error: BaseException) -> str:
    """Return the first line of ``error``'s message, with its type when the message alone is unclear.

    Playwright puts what it waited for in the call log below the first line,
    so that line is added.
    """
    lines = [line.strip() for line in str(error).strip().splitlines()]
    first = lines[0] if lines else ""
    waited = next((line.lstrip("- ") for line in lines[1:] if line.startswith("- waiting for")), "")
    if waited:
        first = f"{first} ({waited})"
    if isinstance(error, (AssertionError, RuntimeError)) and first:
        return first
    return f"{type(error).__name__}: {first}" if first else type(error).__name__


class StepFailed(RuntimeError):
    """Raised when a step of a scenario fails; the message names the scenario, language and step."""

    def __init__(self, scenario: str, language: str, step: str, cause: BaseException) -> None:
        self.scenario = scenario
        self.language = language
        self.step = step
        self.cause = cause
        super().__init__(f"scenario {scenario} ({language}) failed at step {step}: {describe_error(cause)}")


class ScenarioRun:
    """One scenario in one language on its own page: what its steps use to drive and capture."""

    def __init__(self, kit: Kit, scenario: Scenario, language: str, page: Page) -> None:
        self.kit = kit
        self.scenario = scenario
        self.language = language
        self.page = page
        self.data = scenario.data
        self.merchant_reference: str | None = None
        self.order_status: str | None = None
        self.records: list[ImageRecord] = []
        self.current_step: registry.Step | None = None
        self._main_frame: MainFrameEvidence | None = None
        self._language_sent = False
        page.on("request", self._watch_request)

    def _watch_request(self, request: Request) -> None:
        match = PAY_URL.search(request.url)
        if match and self.merchant_reference is None:
            self.merchant_reference = match.group(1)

    def note_merchant_reference(self, reference: str) -> None:
        """Record the merchant_reference shown by the shop, unless the hand-over URL already gave it."""
        if reference and self.merchant_reference is None:
            self.merchant_reference = reference

    def url(self, path: str) -> str:
        return self.kit.base_url.rstrip("/") + path

    def goto(self, path: str) -> None:
        """Open a shop page; the first one carries ``lang`` so the shop remembers the scenario's language."""
        url = self.url(path)
        if not self._language_sent:
            url += ("&" if "?" in url else "?") + f"lang={self.language}"
            self._language_sent = True
        self.page.goto(url, wait_until="load")

    def check_main_frame(self, url_pattern: str | re.Pattern[str]) -> MainFrameEvidence:
        """Check that the page matching ``url_pattern`` fills the main window; the next capture records it."""
        self._main_frame = assert_main_frame(self.page, url_pattern)
        return self._main_frame

    def capture(self, step_name: str | None = None) -> list[ImageRecord]:
        """Capture the page as the screenshot of ``step_name`` (default: the running step)."""
        step = self.current_step
        name = step_name or (step.name if step else "capture")
        title = step.title if step and step.name == name else ""
        records = self.kit.capture(self, name, title, self._main_frame)
        self._main_frame = None
        self.records.extend(records)
        return records


class Kit:
    """Runs scenarios with one capture mode against one shop and collects the images."""

    def __init__(self, capture: Capture, base_url: str, run_dir: Path, options: Options, output: Output) -> None:
        self.capture_mode = capture
        self.base_url = base_url
        self.run_dir = run_dir
        self.options = options
        self.output = output
        self.records: list[ImageRecord] = []
        self.results: list[ScenarioResult] = []
        self._sequence = 0
        self._step_number = 0
        self.total_steps = 0
        (run_dir / "images").mkdir(parents=True, exist_ok=True)

    def capture(self, run: ScenarioRun, step: str, step_title: str,
                main_frame: MainFrameEvidence | None) -> list[ImageRecord]:
        self._sequence += 1
        scenario = run.scenario
        relative = Path("images") / f"{self._sequence:03d}-{scenario.name}-{run.language}-{step}.png"
        shots = self.capture_mode.shoot(run.page, self.run_dir / relative)
        records = []
        for shot in shots:
            record = ImageRecord(
                scenario=scenario.name,
                method=scenario.method,
                outcome=scenario.outcome,
                language=run.language,
                step=step,
                step_title=step_title,
                test_case=scenario.test_case,
                archive=scenario.archive,
                url=shot.url,
                title=shot.title,
                captured_at=shot.captured_at.isoformat().replace("+00:00", "Z"),
                file=str(shot.path.relative_to(self.run_dir)),
                frame=self.capture_mode.mode,
                width=shot.width,
                height=shot.height,
                part=shot.part,
                merchant_reference=run.merchant_reference,
                url_drawn=shot.url_drawn,
                title_drawn=shot.title_drawn,
                main_frame=asdict(main_frame) if main_frame else None,
            )
            records.append(record)
        self.records.extend(records)
        return records

    def run_scenario(self, scenario: Scenario, language: str) -> ScenarioResult:
        """Run every step of ``scenario`` in ``language``; raise ``StepFailed`` at the first failing step."""
        result = ScenarioResult(scenario.name, scenario.method, scenario.outcome, language,
                                scenario.test_case, scenario.archive)
        self.results.append(result)
        page = self.capture_mode.new_page(language)
        page.set_default_timeout(self.options.timeout_seconds * 1000)
        run = ScenarioRun(self, scenario, language, page)
        try:
            for step in scenario.steps:
                self._run_step(run, step)
            result.passed = True
        finally:
            result.merchant_reference = run.merchant_reference
            result.order_status = run.order_status
            result.images = len(run.records)
            for record in run.records:
                record.merchant_reference = run.merchant_reference
            self.capture_mode.close_page(page)
        return result

    def _run_step(self, run: ScenarioRun, step: registry.Step) -> None:
        self._step_number += 1
        run.current_step = step
        label = f"[{self._step_number:>3}/{self.total_steps}] {run.scenario.name} {run.language} {step.name}"
        started = time.monotonic()
        taken_before = len(run.records)
        try:
            step.run(run)
        except Exception as error:  # any failure of a step ends the run with its name
            self.output(f"{label}  FAILED")
            self._save_failure_page(run, step)
            self.results[-1].error = describe_error(error)
            raise StepFailed(run.scenario.name, run.language, step.name, error) from error
        files = ", ".join(Path(record.file).name for record in run.records[taken_before:]) or "no image"
        self.output(f"{label}  ok  {time.monotonic() - started:.1f} s  {files}  {run.page.url}")

    def _save_failure_page(self, run: ScenarioRun, step: registry.Step) -> None:
        """Save what the browser showed when the step failed, outside the package, for debugging."""
        from playwright.sync_api import Error as PlaywrightError

        target = self.run_dir / f"failure-{run.scenario.name}-{run.language}-{step.name}.png"
        try:
            run.page.screenshot(path=str(target), full_page=True)
        except PlaywrightError:
            return
        self.output(f"  page at the failure ({run.page.url}) saved to {target}")


# -- the shop under test ---------------------------------------------------------


@dataclass
class Target:
    """The shop the kit captures: its URL and the settings it runs with."""

    base_url: str
    config: Mapping[str, Any]
    started_here: bool


@contextmanager
def shop_target(options: Options, output: Output) -> Iterator[Target]:
    """Yield the shop at ``--base-url``, or start the shop and the simulator on free ports."""
    if options.base_url:
        yield Target(options.base_url.rstrip("/"), _configured_settings(), started_here=False)
        return

    from shop.config import SIMULATOR_CREDENTIALS
    from shop.stack import running_stack

    configured = _configured_settings()
    shop_overrides: dict[str, Any] = {"SHOP_DEMO_DATA": True, "LOG_LEVEL": "DEBUG" if options.verbose else "WARNING"}
    simulator_overrides: dict[str, Any] = {}
    if configured.get("APS_ENV", "simulator") != "simulator":
        output(f"note: APS_ENV={configured['APS_ENV']} is set, but the kit's own shop uses the local simulator "
               "with its demo credentials; use --base-url to capture a shop that runs against APS.")
        shop_overrides.update(APS_ENV="simulator", APS_SHA_TYPE="SHA-256", **SIMULATOR_CREDENTIALS)
        simulator_overrides.update(
            SIMULATOR_MERCHANT_IDENTIFIER=SIMULATOR_CREDENTIALS["APS_MERCHANT_IDENTIFIER"],
            SIMULATOR_ACCESS_CODE=SIMULATOR_CREDENTIALS["APS_ACCESS_CODE"],
            SIMULATOR_SHA_REQUEST_PHRASE=SIMULATOR_CREDENTIALS["APS_SHA_REQUEST_PHRASE"],
            SIMULATOR_SHA_RESPONSE_PHRASE=SIMULATOR_CREDENTIALS["APS_SHA_RESPONSE_PHRASE"],
            SIMULATOR_SHA_TYPE="SHA-256",
        )
    with tempfile.TemporaryDirectory(prefix="aps-golive-") as database_dir:
        shop_overrides["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{Path(database_dir) / 'shop.sqlite3'}"
        with _quiet_logs(options.verbose), running_stack(shop_overrides, simulator_overrides) as stack:
            output(f"shop at {stack.shop_url}, APS simulator at {stack.simulator_url}")
            yield Target(stack.shop_url, stack.shop_app.config, started_here=True)


def _configured_settings() -> dict[str, Any]:
    """Return the shop's settings from the environment and .env, or the few the kit needs when they are invalid."""
    from dotenv import load_dotenv

    from shop.config import ConfigError, load_settings

    load_dotenv(override=False)
    try:
        return load_settings()
    except ConfigError:
        return {
            "APS_ENV": os.environ.get("APS_ENV", "simulator"),
            "APS_ACCOUNT_NAME": os.environ.get("APS_ACCOUNT_NAME", "aps-storefront demo"),
        }


@contextmanager
def _quiet_logs(verbose: bool) -> Iterator[None]:
    """Keep the servers' request logs off the progress lines unless ``verbose``.

    The shop and the simulator add a stderr handler only when the ``shop``
    logger has none, so a handler added here first is the one they use.
    """
    logger = logging.getLogger("shop")
    if logger.handlers:
        yield
        return
    handler = logging.StreamHandler()
    handler.setLevel(logging.DEBUG if verbose else logging.WARNING)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)


# -- the run -------------------------------------------------------------------------


def supported(scenario: Scenario) -> bool:
    return registry.shop_method_registered(scenario.method)


def _new_run_dir(options: Options) -> Path:
    name = options.run_name or dt.datetime.now(dt.timezone.utc).strftime(f"%Y%m%d-%H%M%S-{options.frame}")
    run_dir = options.out_dir / name
    suffix = 1
    while run_dir.exists():
        suffix += 1
        run_dir = options.out_dir / f"{name}-{suffix}"
    run_dir.mkdir(parents=True)
    return run_dir


def run_kit(
    options: Options,
    *,
    playwright: Playwright | None = None,
    browser: Browser | None = None,
    scenarios: Sequence[Scenario] | None = None,
    output: Output | None = None,
) -> KitResult:
    """Run the selected scenarios and build the package; never raises for a failing scenario.

    ``playwright`` and ``browser`` let a caller that already runs Playwright
    (the test suite) share it; ``browser`` serves the drawn mode. ``scenarios``
    replaces the registered ones.
    """
    output = output or (lambda line: print(line, flush=True))
    available = list(scenarios) if scenarios is not None else registry.load_scenarios()
    runnable = []
    for scenario in available:
        if supported(scenario):
            runnable.append(scenario)
        else:
            output(f"skipped {scenario.name}: payment method {scenario.method!r} is not registered in the shop")
    selected = registry.select(runnable, options.methods, options.languages, options.scenarios)
    if not selected:
        output("error: no scenario matches the filters; `python -m screenshots --list` shows them all")
        return KitResult(EXIT_SETUP_FAILED, failure="no scenario selected")

    if playwright is None:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as own_playwright:
            return _run_with_playwright(options, own_playwright, browser, selected, output)
    return _run_with_playwright(options, playwright, browser, selected, output)


def _run_with_playwright(options: Options, playwright: Playwright, shared_browser: Browser | None,
                         selected: list[tuple[Scenario, str]], output: Output) -> KitResult:
    from shop.browser import BrowserLaunchError, BrowserNotFoundError, launch_chromium

    from .frames import FontNotFoundError
    from .xvfb import XvfbUnavailableError

    browsers = []

    def headless_browser() -> Any:
        if shared_browser is not None:
            return shared_browser
        browser = launch_chromium(playwright)
        browsers.append(browser)
        return browser

    try:
        capture = open_capture(options.frame, playwright, headless_browser)
    except (XvfbUnavailableError, BrowserNotFoundError, BrowserLaunchError, FontNotFoundError) as error:
        output(f"error: {error}")
        return KitResult(EXIT_SETUP_FAILED, failure=str(error))
    try:
        with shop_target(options, output) as target:
            return _run_scenarios(options, capture, target, selected, output)
    finally:
        capture.close()
        for browser in browsers:
            browser.close()


def _run_scenarios(options: Options, capture: Capture, target: Target, selected: list[tuple[Scenario, str]],
                   output: Output) -> KitResult:
    run_dir = _new_run_dir(options)
    kit = Kit(capture, target.base_url, run_dir, options, output)
    kit.total_steps = sum(len(scenario.steps) for scenario, _ in selected)
    account_name = str(target.config.get("APS_ACCOUNT_NAME") or "aps-storefront demo")
    aps_environment = str(target.config.get("APS_ENV", "simulator"))
    run_info = {
        "started_at": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        "base_url": target.base_url,
        "shop_started_by_kit": target.started_here,
        "aps_environment": aps_environment,
        "account_name": account_name,
        "frame": capture.mode,
        "size_limit_bytes": options.size_limit,
    }
    output(f"{len(selected)} scenario runs, {kit.total_steps} steps, frame {capture.mode}, writing to {run_dir}")

    for scenario, language in selected:
        try:
            kit.run_scenario(scenario, language)
        except StepFailed as failure:
            write_manifest(run_dir, {**run_info, "failure": str(failure)}, kit.records, kit.results)
            write_references(run_dir, kit.results)
            print(f"FAILED: {failure}", file=sys.stderr, flush=True)
            output(f"kept {len(kit.records)} images and their manifest in {run_dir}")
            return KitResult(EXIT_SCENARIO_FAILED, run_dir, kit.records, kit.results, failure=str(failure))
        write_manifest(run_dir, run_info, kit.records, kit.results)

    checklist_lines = _run_checklist(options, target, run_dir, output)
    archives = build_archives(run_dir, kit.records, options.size_limit)
    write_manifest(run_dir, run_info, kit.records, kit.results, archives)
    write_references(run_dir, kit.results)
    write_signoff_email(run_dir, account_name, kit.results, archives, checklist_lines, aps_environment)

    exit_code = EXIT_OK
    for archive in archives:
        status = "ok" if archive.within_limit else "OVER THE LIMIT"
        output(f"{archive.file}: {archive.size_bytes / 1_000_000:.2f} MB, {archive.images} images, "
               f"{archive.rendition}  {status}")
        if not archive.within_limit:
            exit_code = EXIT_OVER_LIMIT
    if exit_code == EXIT_OVER_LIMIT:
        print(f"error: an archive stays over {options.size_limit} bytes even as small JPEGs; "
              "run fewer scenarios per package with --method or --language", file=sys.stderr, flush=True)
    output(f"package ready in {run_dir}")
    return KitResult(exit_code, run_dir, kit.records, kit.results, archives)


def _run_checklist(options: Options, target: Target, run_dir: Path, output: Output) -> list[str]:
    """Run the verification checklist against the same shop and save it; return its summary lines."""
    if not options.checklist:
        return []
    if "APS_SHA_RESPONSE_PHRASE" not in target.config:
        output("checklist skipped: the shop's settings in the environment and .env are invalid "
               "(run `flask --app app aps checklist` to see which one)")
        return []
    from shop.certification import render_html, render_text, run_checklist, summary_lines
    from shop.certification.checks import quiet_shop_logs

    with quiet_shop_logs():
        report = run_checklist(target.config, target.base_url, started_here=target.started_here)
    (run_dir / "checklist.txt").write_text(render_text(report), encoding="utf-8")
    (run_dir / "checklist.html").write_text(render_html(report), encoding="utf-8")
    output(f"verification checklist: {report.counts_text()} (checklist.txt, checklist.html)")
    if report.failed:
        output("warning: the verification checklist has FAIL lines; fix them before sending the sign-off e-mail")
    return summary_lines(report)


# -- command line -------------------------------------------------------------------


def _parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m screenshots",
        description="Take APS go-live certification screenshots (URL visible), and build the zips, "
        "the PDF, the merchant-reference list and the sign-off e-mail.",
    )
    parser.add_argument("--frame", choices=("drawn", "window"), default="drawn",
                        help="drawn: headless full-page screenshots with a drawn, stamped address bar (default); "
                        "window: the real Chromium window under Xvfb")
    parser.add_argument("--base-url", help="capture the shop already running at this URL instead of starting one")
    parser.add_argument("--method", action="append", default=[], help="run only this payment method (repeatable)")
    parser.add_argument("--language", action="append", default=[], choices=registry.LANGUAGES,
                        help="run only this language (repeatable)")
    parser.add_argument("--scenario", action="append", default=[], help="run only this scenario (repeatable)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT_DIR, help="folder for the runs (default: %(default)s)")
    parser.add_argument("--run-name", help="name of this run's folder (default: UTC time and frame mode)")
    parser.add_argument("--size-limit", type=int, default=APS_ARCHIVE_LIMIT_BYTES,
                        help="maximum size of one zip or PDF in bytes (default: APS's 20 MB, %(default)s)")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_SECONDS,
                        help="seconds a step waits for a page or an element (default: %(default)s)")
    parser.add_argument("--no-checklist", action="store_true", help="do not run the verification checklist")
    parser.add_argument("--list", action="store_true", help="list the scenarios and exit")
    parser.add_argument("--verbose", action="store_true", help="show the shop's and the simulator's logs")
    return parser.parse_args(argv)


def list_scenarios(output: Output) -> None:
    for scenario in registry.load_scenarios():
        state = "" if supported(scenario) else "  (payment method not in the shop yet)"
        steps = ", ".join(step.name for step in scenario.steps)
        output(f"{scenario.name}: {scenario.method}, {scenario.outcome}, {'/'.join(scenario.languages)}, "
               f"zip {scenario.archive}.zip; steps {steps}{state}")


def main(argv: Sequence[str] | None = None, playwright: Playwright | None = None) -> int:
    arguments = _parse_arguments(argv)
    output: Output = lambda line: print(line, flush=True)  # noqa: E731
    if arguments.list:
        list_scenarios(output)
        return EXIT_OK
    options = Options(
        base_url=arguments.base_url,
        frame=arguments.frame,
        methods=tuple(arguments.method),
        languages=tuple(arguments.language),
        scenarios=tuple(arguments.scenario),
        out_dir=arguments.out,
        run_name=arguments.run_name,
        size_limit=arguments.size_limit,
        timeout_seconds=arguments.timeout,
        checklist=not arguments.no_checklist,
        verbose=arguments.verbose,
    )
    return run_kit(options, playwright=playwright, output=output).exit_code


if __name__ == "__main__":
    sys.exit(main())
