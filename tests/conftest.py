"""Shared fixtures: the shop on SQLite and PostgreSQL, the live stack and Chromium.

Fixtures:
    db_url         database URL, once on SQLite and once on PostgreSQL (own schema per test)
    app            the shop on ``db_url``, demo data loaded, CSRF off
    sqlite_app     the same app on SQLite only
    client         ``app.test_client()``
    runner         ``app.test_cli_runner()``
    stack          shop and APS simulator served over HTTP on free ports of 127.0.0.1
    stack_factory  starts a stack with extra overrides for either app
    playwright     the session's Playwright, to launch a browser with other options
    browser        headless Chromium through Playwright (one per session)
    page           a fresh context and page: locale en-US, viewport 1280x900

A test that has no PostgreSQL server or no Chromium is skipped with the reason.
Setting SHOP_TEST_REQUIRE_POSTGRES=1 or SHOP_TEST_REQUIRE_BROWSER=1 (CI does)
turns those skips into failures.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple

import pytest

POSTGRES_HOST = "127.0.0.1"
POSTGRES_PORT = 5432
POSTGRES_DATABASE = "test"
POSTGRES_USERS = ("postgres", "root")

TEST_SECRET_KEY = "test-secret-key-not-for-production"
# Seconds between the simulator's feedback retries in tests, so a retry is seen quickly.
TEST_FEEDBACK_RETRY_SECONDS = 0.2

REQUIRE_POSTGRES = "SHOP_TEST_REQUIRE_POSTGRES"
REQUIRE_BROWSER = "SHOP_TEST_REQUIRE_BROWSER"

_FAILURE_SCREENSHOT = pytest.StashKey[Path]()


def _is_set(variable: str) -> bool:
    return os.environ.get(variable, "").strip().lower() in {"1", "true", "yes", "on"}


def _skip_unless_required(reason: str, variable: str) -> None:
    if _is_set(variable):
        pytest.fail(f"{reason} ({variable} is set, so this fails instead of skipping)", pytrace=False)
    pytest.skip(reason)


# -- collection ---------------------------------------------------------------


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark tests by the real components they use, so ``-m "not browser"`` deselects them."""
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if fixtures & {"playwright", "browser", "page"}:
            item.add_marker(pytest.mark.browser)
        if fixtures & {"postgres_user", "postgres_url"}:
            item.add_marker(pytest.mark.postgres)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Save a full-page screenshot of ``page`` when a browser test fails."""
    report = yield
    target = item.stash.get(_FAILURE_SCREENSHOT, None)
    page = getattr(item, "funcargs", {}).get("page")
    if report.when == "call" and report.failed and target is not None and page is not None:
        from playwright.sync_api import Error as PlaywrightError

        try:
            page.screenshot(path=str(target), full_page=True)
        except PlaywrightError as error:
            report.sections.append(("page screenshot", f"failed to save a screenshot: {error.message}"))
        else:
            report.sections.append(("page screenshot", f"{page.url}\nsaved to {target}"))
    return report


# -- environment --------------------------------------------------------------


@pytest.fixture(autouse=True)
def _simulator_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Give every test the simulator's settings, whatever the shell or a developer's .env sets.

    The shop reads its settings from the environment and from ``.env``, which
    never replaces a variable that is already set, even to an empty value.
    """
    from shop.config import SIMULATOR_CREDENTIALS

    settings = {
        "APS_ENV": "simulator",
        **SIMULATOR_CREDENTIALS,
        "APS_SHA_TYPE": "SHA-256",
        "APS_COMMAND": "PURCHASE",
        "APS_SIMULATOR_URL": "",
        "SHOP_HOST": "127.0.0.1",
        "SHOP_PORT": "5000",
        "SIMULATOR_PORT": "5050",
        "SHOP_BASE_URL": "",
        "DATABASE_URL": "",
        "SECRET_KEY": TEST_SECRET_KEY,
        "SHOP_INSTANCE_PATH": str(tmp_path / "instance"),
    }
    for name, value in settings.items():
        monkeypatch.setenv(name, value)


# -- databases ----------------------------------------------------------------


class PostgresSchema(NamedTuple):
    """A throw-away schema in the ``test`` database and the SQLAlchemy URL that uses it."""

    name: str
    url: str


def _postgres_connect(user: str, **options: Any) -> Any:
    import psycopg

    return psycopg.connect(
        host=POSTGRES_HOST, port=POSTGRES_PORT, dbname=POSTGRES_DATABASE, user=user, connect_timeout=5, **options
    )


def find_postgres_user() -> tuple[str | None, str]:
    """Return the first role of ``POSTGRES_USERS`` that can connect, or ``None`` and the reason."""
    import psycopg

    try:
        with socket.create_connection((POSTGRES_HOST, POSTGRES_PORT), timeout=2):
            pass
    except OSError as error:
        return None, f"PostgreSQL not reachable at {POSTGRES_HOST}:{POSTGRES_PORT} ({error})"

    failures = []
    for user in POSTGRES_USERS:
        try:
            with _postgres_connect(user):
                return user, ""
        except psycopg.Error as error:
            failures.append(f"{user}: {str(error).strip()}")
    return None, (
        f"PostgreSQL at {POSTGRES_HOST}:{POSTGRES_PORT} rejected every user on database "
        f"{POSTGRES_DATABASE!r}: {'; '.join(failures)}"
    )


@contextmanager
def postgres_schema(user: str) -> Iterator[PostgresSchema]:
    """Create a schema with a random name, yield it and drop it with everything in it.

    Connections made through the URL use the schema as their search_path and
    carry its name as application_name, so connections that a test left open
    are ended before the schema is dropped.
    """
    from psycopg import sql

    name = f"test_{uuid.uuid4().hex[:12]}"
    url = (
        f"postgresql+psycopg://{user}@{POSTGRES_HOST}:{POSTGRES_PORT}/{POSTGRES_DATABASE}"
        f"?application_name={name}&options=-csearch_path%3D{name}"
    )
    with _postgres_connect(user, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(name)))
    try:
        yield PostgresSchema(name, url)
    finally:
        with _postgres_connect(user, autocommit=True) as connection:
            connection.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE application_name = %s AND pid <> pg_backend_pid()",
                (name,),
            )
            # A lock still held elsewhere fails the teardown instead of hanging it.
            connection.execute("SET lock_timeout = '10s'")
            connection.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(name)))


@pytest.fixture(scope="session")
def postgres_user() -> str:
    """Return the role that can connect to PostgreSQL's ``test`` database, or skip when none can."""
    user, reason = find_postgres_user()
    if user is None:
        _skip_unless_required(reason, REQUIRE_POSTGRES)
    return user


@pytest.fixture
def postgres_url(postgres_user: str) -> Iterator[str]:
    """Return a SQLAlchemy URL for a fresh schema that is dropped after the test."""
    with postgres_schema(postgres_user) as schema:
        yield schema.url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Return a database URL: a SQLite file, then a PostgreSQL schema of its own."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'shop.sqlite3'}"
    return request.getfixturevalue("postgres_url")


# -- the shop app -------------------------------------------------------------


def _test_app(database_url: str, instance_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    from shop import create_app
    from shop.stack import dispose_database

    monkeypatch.setenv("SHOP_INSTANCE_PATH", str(instance_path))
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SHOP_DEMO_DATA": True,
            "SECRET_KEY": TEST_SECRET_KEY,
            # Tests post forms without CSRF tokens. A test of CSRF builds its own app.
            "WTF_CSRF_ENABLED": False,
        }
    )
    yield app
    dispose_database(app)


@pytest.fixture
def app(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Return the shop on ``db_url``, so each test using it runs on SQLite and PostgreSQL."""
    yield from _test_app(db_url, tmp_path / "instance", monkeypatch)


@pytest.fixture
def sqlite_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Return the shop on a SQLite file, for tests that need no second backend."""
    yield from _test_app(f"sqlite:///{tmp_path / 'sqlite-app.sqlite3'}", tmp_path / "instance", monkeypatch)


@pytest.fixture
def client(app: Any) -> Any:
    return app.test_client()


@pytest.fixture
def runner(app: Any) -> Any:
    return app.test_cli_runner()


# -- the live stack -----------------------------------------------------------

StackFactory = Callable[..., Any]


@pytest.fixture
def stack_factory(tmp_path: Path) -> Iterator[StackFactory]:
    """Return ``start(shop_overrides=None, simulator_overrides=None, **options)``, which starts a stack.

    Each stack gets a fresh SQLite database and quick feedback retries. The
    overrides replace any of those settings, and ``options`` go to
    ``shop.stack.Stack``. Every stack started is stopped after the test.
    """
    from shop.stack import Stack

    started: list[Stack] = []

    def start(
        shop_overrides: Mapping[str, Any] | None = None,
        simulator_overrides: Mapping[str, Any] | None = None,
        **options: Any,
    ) -> Stack:
        database = tmp_path / f"stack-{len(started)}.sqlite3"
        shop_config = {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
            "SHOP_DEMO_DATA": True,
            "SECRET_KEY": TEST_SECRET_KEY,
            **(shop_overrides or {}),
        }
        simulator_config = {
            "SIMULATOR_FEEDBACK_RETRY_SECONDS": TEST_FEEDBACK_RETRY_SECONDS,
            **(simulator_overrides or {}),
        }
        stack = Stack(shop_overrides=shop_config, simulator_overrides=simulator_config, **options)
        stack.start()
        started.append(stack)
        return stack

    yield start
    for stack in reversed(started):
        stack.stop()


@pytest.fixture
def stack(stack_factory: StackFactory) -> Any:
    """Return a running shop and simulator with default test settings."""
    return stack_factory()


# -- the browser --------------------------------------------------------------


@pytest.fixture(scope="session")
def playwright() -> Iterator[Any]:
    """Return the session's Playwright, for tests that launch a browser of their own.

    Playwright's sync API allows one running instance per thread, so a test
    must not call ``sync_playwright()`` or ``shop.browser.open_chromium()``
    while this fixture is active. It can call
    ``shop.browser.launch_chromium(playwright, ...)`` instead.
    """
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:
        _skip_unless_required(f"Playwright is not installed ({error}); run `make venv`", REQUIRE_BROWSER)

    with sync_playwright() as instance:
        yield instance


@pytest.fixture(scope="session")
def browser(playwright: Any) -> Iterator[Any]:
    """Return a headless Chromium shared by the session, or skip when none is installed."""
    from shop.browser import BrowserNotFoundError, launch_chromium

    try:
        chromium = launch_chromium(playwright)
    except BrowserNotFoundError as error:
        _skip_unless_required(str(error), REQUIRE_BROWSER)
    yield chromium
    chromium.close()


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    """Return a page in a fresh browser context, closed after the test."""
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    request.node.stash[_FAILURE_SCREENSHOT] = tmp_path / "failure.png"
    try:
        yield context.new_page()
    finally:
        context.close()
