"""Run the shop and the APS simulator together, each on its own HTTP server.

Both servers are werkzeug's threaded development servers, running in
background threads of one process. Tests, the go-live screenshot kit and
``python -m shop.stack`` all get the same wiring: the shop sends payments to
the simulator, and the simulator posts its server-to-server feedback to the
shop.

    with running_stack() as stack:
        requests.get(stack.shop_url)

Both listening sockets are bound before either app is built, because each app
needs the other's URL in its configuration and port 0 only gets its real
number from the bind.
"""

from __future__ import annotations

import argparse
import errno
import logging
import os
import signal
import socket
import sys
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from flask import Flask
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, get_sockaddr, make_server, select_address_family

from .aps.endpoints import endpoints_for

logger = logging.getLogger("shop.stack")

DEFAULT_HOST = "127.0.0.1"
DEFAULT_SHOP_PORT = 5000
DEFAULT_SIMULATOR_PORT = 5050

# Shop routes that receive APS's server-to-server posts.
FEEDBACK_PATH = "/aps/feedback"
NOTIFICATION_PATH = "/aps/notification"

# Seconds between a server thread's checks for stop(), which bounds how long stop() waits.
POLL_INTERVAL_SECONDS = 0.05

AppFactory = Callable[[Mapping[str, Any]], Flask]


class PortInUseError(RuntimeError):
    """Raised when a server's port is already taken by another program."""

    def __init__(self, server_name: str, host: str, port: int, variable: str, option: str) -> None:
        self.server_name = server_name
        self.host = host
        self.port = port
        self.variable = variable
        super().__init__(
            f"Port {port} on {host} is already in use, so the {server_name} cannot start. "
            f"Stop the program that uses it, or choose another port with {variable}=<port> "
            f"(or {option} <port>)."
        )


def _shop_factory(overrides: Mapping[str, Any]) -> Flask:
    from . import create_app

    return create_app(overrides)


def _simulator_factory(overrides: Mapping[str, Any]) -> Flask:
    from .simulator import create_app

    return create_app(overrides)


class _RequestLogHandler(WSGIRequestHandler):
    """Request handler that logs through ``logging`` under the server's own name."""

    server_label = "server"

    def log(self, type: str, message: str, *args: Any) -> None:  # noqa: A002 - werkzeug's signature
        level = {"error": logging.ERROR, "warning": logging.WARNING}.get(type, logging.INFO)
        logging.getLogger(f"shop.stack.{self.server_label}").log(level, "%s %s", self.address_string(), message % args)


@dataclass
class _Server:
    """One listening socket and, once started, its WSGI server and thread."""

    name: str
    sock: socket.socket
    host: str
    server: BaseWSGIServer | None = None
    thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return self.sock.getsockname()[1]

    @property
    def url(self) -> str:
        return f"http://{_url_host(self.host)}:{self.port}"


class Stack:
    """The shop and the simulator, each served over HTTP from a background thread.

    ``shop_port`` and ``simulator_port`` of 0 pick free ports. Overrides are
    passed to each app factory on top of the wiring this class computes, so an
    override such as ``SHOP_BASE_URL`` wins over the computed value.
    """

    def __init__(
        self,
        *,
        host: str = DEFAULT_HOST,
        shop_port: int = 0,
        simulator_port: int = 0,
        shop_overrides: Mapping[str, Any] | None = None,
        simulator_overrides: Mapping[str, Any] | None = None,
        shop_factory: AppFactory | None = None,
        simulator_factory: AppFactory | None = None,
    ) -> None:
        self.host = host
        self._requested_ports = {"shop": shop_port, "simulator": simulator_port}
        self._shop_overrides = dict(shop_overrides or {})
        self._simulator_overrides = dict(simulator_overrides or {})
        self._shop_factory = shop_factory or _shop_factory
        self._simulator_factory = simulator_factory or _simulator_factory
        self._servers: dict[str, _Server] = {}
        self.shop_app: Flask | None = None
        self.simulator_app: Flask | None = None

    # -- public API ---------------------------------------------------------

    @property
    def shop_url(self) -> str:
        return self._server("shop").url

    @property
    def simulator_url(self) -> str:
        return self._server("simulator").url

    @property
    def shop_port(self) -> int:
        return self._server("shop").port

    @property
    def simulator_port(self) -> int:
        return self._server("simulator").port

    @property
    def running(self) -> bool:
        return any(s.thread is not None and s.thread.is_alive() for s in self._servers.values())

    def start(self) -> Stack:
        """Bind both ports, build both apps and start serving them.

        Raises ``PortInUseError`` when a port is taken, after releasing any port already bound.
        """
        if self._servers:
            raise RuntimeError("this stack is already running; call stop() before starting it again")
        try:
            self._bind("shop", "SHOP_PORT", "--shop-port")
            self._bind("simulator", "SIMULATOR_PORT", "--simulator-port")
            self.simulator_app = self._simulator_factory(self._simulator_config())
            self.shop_app = self._shop_factory(self._shop_config())
            self._serve("simulator", self.simulator_app)
            self._serve("shop", self.shop_app)
        except BaseException:
            self.stop()
            raise
        logger.info("shop listening on %s, simulator on %s", self.shop_url, self.simulator_url)
        return self

    def stop(self) -> None:
        """Stop both servers, wait for their threads and close the shop's database connections.

        Safe to call more than once and on a stack that failed half-way through ``start()``.
        """
        servers = list(self._servers.values())
        for entry in servers:
            if entry.server is not None and entry.thread is not None and entry.thread.is_alive():
                entry.server.shutdown()
        for entry in servers:
            if entry.thread is not None:
                entry.thread.join()
            if entry.server is not None:
                entry.server.server_close()
            entry.sock.close()
        for app in (self.shop_app, self.simulator_app):
            if app is not None:
                dispose_database(app)
        if servers:
            logger.info("stopped the shop and the simulator")
        self._servers.clear()

    def __enter__(self) -> Stack:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- wiring -------------------------------------------------------------

    def _shop_config(self) -> dict[str, Any]:
        shop, simulator = self._servers["shop"], self._servers["simulator"]
        config: dict[str, Any] = {
            "SHOP_HOST": self.host,
            "SHOP_PORT": shop.port,
            "SIMULATOR_PORT": simulator.port,
            "SHOP_BASE_URL": shop.url,
        }
        # With real APS (sandbox or production) the shop keeps its own endpoints.
        if _aps_environment(self._shop_overrides) == "simulator":
            endpoints = endpoints_for("simulator", simulator.url)
            config.update(
                APS_SIMULATOR_URL=simulator.url,
                APS_PAYMENT_PAGE_URL=endpoints.payment_page,
                APS_PAYMENT_API_URL=endpoints.payment_api,
            )
        config.update(self._shop_overrides)
        return config

    def _simulator_config(self) -> dict[str, Any]:
        # The simulator posts to the shop's own listener, even when SHOP_BASE_URL
        # is a public address that only browsers use.
        shop_url = self._servers["shop"].url
        config: dict[str, Any] = {
            "SIMULATOR_FEEDBACK_URL": shop_url + FEEDBACK_PATH,
            "SIMULATOR_NOTIFICATION_URL": shop_url + NOTIFICATION_PATH,
        }
        config.update(self._simulator_overrides)
        return config

    # -- servers ------------------------------------------------------------

    def _server(self, name: str) -> _Server:
        try:
            return self._servers[name]
        except KeyError:
            raise RuntimeError("the stack is not running; call start() or use it in a with statement") from None

    def _bind(self, name: str, port_variable: str, port_option: str) -> None:
        port = self._requested_ports[name]
        family = select_address_family(self.host, port)
        sock = socket.socket(family, socket.SOCK_STREAM)
        # Same as werkzeug's own servers: a restart may reuse a port left in TIME_WAIT,
        # while a port that another program listens on still fails with EADDRINUSE.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(get_sockaddr(self.host, port, family))
            sock.listen(128)
        except OSError as error:
            sock.close()
            if error.errno == errno.EADDRINUSE:
                raise PortInUseError(name, self.host, port, port_variable, port_option) from error
            raise
        self._servers[name] = _Server(name, sock, self.host)

    def _serve(self, name: str, app: Flask) -> None:
        entry = self._servers[name]
        handler = type(f"{name.title()}RequestHandler", (_RequestLogHandler,), {"server_label": name})
        entry.server = make_server(
            self.host, entry.port, app, threaded=True, request_handler=handler, fd=entry.sock.fileno()
        )
        entry.thread = threading.Thread(
            target=entry.server.serve_forever,
            kwargs={"poll_interval": POLL_INTERVAL_SECONDS},
            name=f"{name}-server",
            daemon=True,
        )
        entry.thread.start()


@contextmanager
def running_stack(
    shop_overrides: Mapping[str, Any] | None = None,
    simulator_overrides: Mapping[str, Any] | None = None,
    **options: Any,
) -> Iterator[Stack]:
    """Start a ``Stack`` for the duration of a ``with`` block, passing ``options`` to ``Stack``."""
    stack = Stack(shop_overrides=shop_overrides, simulator_overrides=simulator_overrides, **options)
    with stack:
        yield stack


def _aps_environment(overrides: Mapping[str, Any]) -> str:
    from dotenv import load_dotenv

    # The shop's factory loads .env as well, so APS_ENV may only be set there.
    load_dotenv(override=False)
    return str(overrides.get("APS_ENV") or os.environ.get("APS_ENV") or "simulator").strip()


def _url_host(host: str) -> str:
    if host in {"0.0.0.0", ""}:
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    if ":" in host:
        return f"[{host}]"
    return host


def dispose_database(app: Flask) -> None:
    """Close pooled connections so a test can drop its database or schema afterwards."""
    extension = app.extensions.get("sqlalchemy")
    if extension is None:
        return
    with app.app_context():
        for engine in extension.engines.values():
            engine.dispose()


# -- command line -------------------------------------------------------------


def _port_from_environment(variable: str, default: int) -> int:
    raw = os.environ.get(variable, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not 0 <= int(raw) < 65536:
        raise SystemExit(f"{variable}={raw!r} is invalid; use a TCP port number from 1 to 65535, or 0 for any free port")
    return int(raw)


def _parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m shop.stack",
        description="Run the shop and the local APS simulator, wired to each other, until Ctrl-C.",
    )
    parser.add_argument(
        "--host",
        default=os.environ.get("SHOP_HOST") or DEFAULT_HOST,
        help="address both servers listen on (default: SHOP_HOST or %(default)s)",
    )
    parser.add_argument(
        "--shop-port",
        type=int,
        default=_port_from_environment("SHOP_PORT", DEFAULT_SHOP_PORT),
        help="TCP port of the shop; 0 picks a free one (default: SHOP_PORT or %(default)s)",
    )
    parser.add_argument(
        "--simulator-port",
        type=int,
        default=_port_from_environment("SIMULATOR_PORT", DEFAULT_SIMULATOR_PORT),
        help="TCP port of the APS simulator; 0 picks a free one (default: SIMULATOR_PORT or %(default)s)",
    )
    return parser.parse_args(argv)


def _configure_cli_logging() -> None:
    # The shop's factory adds no second handler once "shop" has one, and every
    # logger used here ("shop.stack.shop", "shop.simulator", ...) is below it.
    shop_logger = logging.getLogger("shop")
    if not shop_logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        shop_logger.addHandler(handler)
    shop_logger.setLevel(logging.INFO)


def main(
    argv: Sequence[str] | None = None,
    *,
    shop_factory: AppFactory | None = None,
    simulator_factory: AppFactory | None = None,
) -> int:
    """Run both servers until SIGINT or SIGTERM; return the process exit code."""
    from dotenv import load_dotenv

    from .config import ConfigError

    # Ports and host may come from .env, as they do for the shop itself.
    load_dotenv(override=False)
    arguments = _parse_arguments(argv)
    _configure_cli_logging()

    stack = Stack(
        host=arguments.host,
        shop_port=arguments.shop_port,
        simulator_port=arguments.simulator_port,
        shop_factory=shop_factory,
        simulator_factory=simulator_factory,
    )
    try:
        stack.start()
    except PortInUseError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except ConfigError as error:
        print(f"error: invalid configuration: {error}", file=sys.stderr)
        return 1

    stop_requested = threading.Event()

    def request_stop(signum: int, frame: object) -> None:
        logger.info("received %s, stopping", signal.Signals(signum).name)
        stop_requested.set()

    previous_handlers = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        print(f"Shop:          {stack.shop_url}", flush=True)
        print(f"APS simulator: {stack.simulator_url}", flush=True)
        print("Press Ctrl-C to stop both.", flush=True)
        stop_requested.wait()
    finally:
        for sig, handler in previous_handlers.items():
            signal.signal(sig, handler)
        stack.stop()
    print("Stopped.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
