"""The stack runner: both servers over real HTTP, their wiring, ports and the CLI.

Most tests run small stand-in apps, so they check the runner alone. The last
ones run the real shop and simulator.
"""

from __future__ import annotations

import os
import queue
import signal
import socket
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import requests
from flask import Flask, jsonify, request

from shop.stack import PortInUseError, Stack, running_stack

REPO_ROOT = Path(__file__).resolve().parent.parent
HTTP_TIMEOUT = 10
# Upper bound for a CLI subprocess to print its URLs or to exit; not a measured duration.
PROCESS_TIMEOUT = 60

WIRED_KEYS = (
    "SHOP_BASE_URL",
    "APS_SIMULATOR_URL",
    "APS_PAYMENT_PAGE_URL",
    "APS_PAYMENT_API_URL",
    "SIMULATOR_FEEDBACK_URL",
    "SIMULATOR_NOTIFICATION_URL",
)


def standin_shop(config: Mapping[str, Any]) -> Flask:
    """Build a stand-in shop that shows its config and calls the simulator's paymentApi."""
    app = Flask("standin_shop")
    app.config.update(config)
    app.extensions["feedback"] = []

    @app.get("/")
    def home() -> str:
        return "stand-in shop"

    @app.get("/config")
    def show_config() -> Any:
        return jsonify({key: app.config.get(key) for key in WIRED_KEYS})

    @app.post("/aps/feedback")
    def feedback() -> str:
        app.extensions["feedback"].append(request.get_json())
        return ""

    @app.get("/pay")
    def pay() -> Any:
        answer = requests.post(app.config["APS_PAYMENT_API_URL"], json={"merchant_reference": "R1"}, timeout=HTTP_TIMEOUT)
        return answer.json()

    return app


def standin_simulator(config: Mapping[str, Any]) -> Flask:
    """Build a stand-in simulator whose paymentApi posts feedback to the shop before it returns."""
    app = Flask("standin_simulator")
    app.config.update(config)

    @app.get("/")
    def home() -> str:
        return "stand-in simulator"

    @app.get("/config")
    def show_config() -> Any:
        return jsonify({key: app.config.get(key) for key in WIRED_KEYS})

    @app.post("/FortAPI/paymentApi")
    def payment_api() -> Any:
        reference = request.get_json()["merchant_reference"]
        feedback = {"merchant_reference": reference, "status": "14"}
        delivered = requests.post(app.config["SIMULATOR_FEEDBACK_URL"], json=feedback, timeout=HTTP_TIMEOUT)
        return {**feedback, "feedback_status": delivered.status_code}

    return app


STANDINS = {"shop_factory": standin_shop, "simulator_factory": standin_simulator}


@pytest.fixture
def standin_stack() -> Iterator[Stack]:
    with running_stack(**STANDINS) as stack:
        yield stack


@pytest.fixture
def taken_port() -> Iterator[int]:
    """Return a port on 127.0.0.1 that another socket is listening on."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield listener.getsockname()[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def can_bind(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


# -- the runner with stand-in apps ---------------------------------------------


def test_stack_serves_both_apps_over_http(standin_stack: Stack) -> None:
    shop = requests.get(standin_stack.shop_url, timeout=HTTP_TIMEOUT)
    simulator = requests.get(standin_stack.simulator_url, timeout=HTTP_TIMEOUT)

    assert shop.status_code == 200
    assert shop.text == "stand-in shop"
    assert simulator.status_code == 200
    assert simulator.text == "stand-in simulator"
    assert standin_stack.shop_url.startswith("http://127.0.0.1:")
    assert standin_stack.shop_port != standin_stack.simulator_port


def test_stack_wires_each_app_to_other(standin_stack: Stack) -> None:
    shop = requests.get(standin_stack.shop_url + "/config", timeout=HTTP_TIMEOUT).json()
    simulator = requests.get(standin_stack.simulator_url + "/config", timeout=HTTP_TIMEOUT).json()
    simulator_url = standin_stack.simulator_url

    assert shop["SHOP_BASE_URL"] == standin_stack.shop_url
    assert shop["APS_SIMULATOR_URL"] == simulator_url
    assert shop["APS_PAYMENT_PAGE_URL"] == simulator_url + "/FortAPI/paymentPage"
    assert shop["APS_PAYMENT_API_URL"] == simulator_url + "/FortAPI/paymentApi"
    assert simulator["SIMULATOR_FEEDBACK_URL"] == standin_stack.shop_url + "/aps/feedback"
    assert simulator["SIMULATOR_NOTIFICATION_URL"] == standin_stack.shop_url + "/aps/notification"


def test_stack_serves_nested_cross_calls(standin_stack: Stack) -> None:
    # The shop's /pay waits for the simulator, which posts back to the shop
    # meanwhile. This only completes when the shop serves requests in threads.
    answer = requests.get(standin_stack.shop_url + "/pay", timeout=HTTP_TIMEOUT)

    assert answer.status_code == 200
    assert answer.json() == {"merchant_reference": "R1", "status": "14", "feedback_status": 200}
    assert standin_stack.shop_app.extensions["feedback"] == [{"merchant_reference": "R1", "status": "14"}]


def test_stack_overrides_win_over_wiring() -> None:
    overrides = {"SHOP_BASE_URL": "https://shop.example.test", "APS_ENV": "simulator"}
    with running_stack(shop_overrides=overrides, simulator_overrides={"EXTRA": 1}, **STANDINS) as stack:
        assert stack.shop_app.config["SHOP_BASE_URL"] == "https://shop.example.test"
        assert stack.simulator_app.config["EXTRA"] == 1
        # The simulator still posts to the local listener, not to the public URL.
        assert stack.simulator_app.config["SIMULATOR_FEEDBACK_URL"] == stack.shop_url + "/aps/feedback"


def test_stack_leaves_real_aps_endpoints() -> None:
    with running_stack(shop_overrides={"APS_ENV": "sandbox"}, **STANDINS) as stack:
        assert "APS_PAYMENT_PAGE_URL" not in stack.shop_app.config
        assert "APS_PAYMENT_API_URL" not in stack.shop_app.config


def test_stack_stop_frees_ports() -> None:
    stack = Stack(**STANDINS).start()
    shop_port, simulator_port = stack.shop_port, stack.simulator_port
    assert stack.running

    stack.stop()
    stack.stop()

    assert not stack.running
    assert can_bind(shop_port)
    assert can_bind(simulator_port)
    with pytest.raises(requests.ConnectionError):
        requests.get(f"http://127.0.0.1:{shop_port}/", timeout=HTTP_TIMEOUT)


def test_stack_urls_need_start() -> None:
    stack = Stack(**STANDINS)

    with pytest.raises(RuntimeError, match="not running"):
        stack.shop_url


def test_stack_uses_requested_ports() -> None:
    shop_port, simulator_port = free_port(), free_port()
    with running_stack(shop_port=shop_port, simulator_port=simulator_port, **STANDINS) as stack:
        assert stack.shop_url == f"http://127.0.0.1:{shop_port}"
        assert stack.simulator_url == f"http://127.0.0.1:{simulator_port}"
        assert requests.get(stack.simulator_url, timeout=HTTP_TIMEOUT).status_code == 200


def test_taken_shop_port_names_variable(taken_port: int) -> None:
    with pytest.raises(PortInUseError) as raised:
        Stack(shop_port=taken_port, **STANDINS).start()

    message = str(raised.value)
    assert f"Port {taken_port} on 127.0.0.1 is already in use" in message
    assert "the shop cannot start" in message
    assert "SHOP_PORT=" in message
    assert "--shop-port" in message


def test_taken_simulator_port_releases_shop(taken_port: int) -> None:
    shop_port = free_port()

    with pytest.raises(PortInUseError) as raised:
        Stack(shop_port=shop_port, simulator_port=taken_port, **STANDINS).start()

    assert raised.value.port == taken_port
    assert raised.value.variable == "SIMULATOR_PORT"
    assert "the simulator cannot start" in str(raised.value)
    assert can_bind(shop_port)


def test_failing_app_factory_releases_ports() -> None:
    shop_port, simulator_port = free_port(), free_port()

    def broken_shop(config: Mapping[str, Any]) -> Flask:
        raise ValueError("broken shop configuration")

    with pytest.raises(ValueError, match="broken shop"):
        Stack(
            shop_port=shop_port,
            simulator_port=simulator_port,
            shop_factory=broken_shop,
            simulator_factory=standin_simulator,
        ).start()

    assert can_bind(shop_port)
    assert can_bind(simulator_port)


# -- the command line ---------------------------------------------------------


class Cli:
    """``python -m shop.stack`` (or ``script``) in a subprocess, its output read by threads."""

    def __init__(self, arguments: list[str], script: str | None = None) -> None:
        command = [sys.executable, "-c", script] if script else [sys.executable, "-m", "shop.stack"]
        self.process = subprocess.Popen(
            [*command, *arguments],
            cwd=REPO_ROOT,
            env=dict(os.environ),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.stdout_lines: queue.Queue[str] = queue.Queue()
        self.stderr_lines: list[str] = []
        self._readers = [
            threading.Thread(target=self._read, args=(self.process.stdout, self.stdout_lines.put), daemon=True),
            threading.Thread(target=self._read, args=(self.process.stderr, self.stderr_lines.append), daemon=True),
        ]
        for reader in self._readers:
            reader.start()

    @staticmethod
    def _read(stream: Any, sink: Any) -> None:
        for line in stream:
            sink(line)
        sink("")

    @property
    def stderr(self) -> str:
        return "".join(self.stderr_lines)

    def read_urls(self) -> dict[str, str]:
        """Read the "Name: URL" lines until both URLs are printed."""
        urls: dict[str, str] = {}
        while len(urls) < 2:
            try:
                line = self.stdout_lines.get(timeout=PROCESS_TIMEOUT)
            except queue.Empty:
                self.process.kill()
                pytest.fail(f"the CLI printed no URLs; stderr:\n{self.stderr}")
            if not line:
                pytest.fail(f"the CLI exited with {self.process.wait()}; stderr:\n{self.stderr}")
            name, _, value = line.partition(":")
            if name in {"Shop", "APS simulator"}:
                urls[name] = value.strip()
        return urls

    def wait(self) -> tuple[int, str, str]:
        """Wait for the exit; return the exit code, the rest of stdout and all of stderr."""
        try:
            returncode = self.process.wait(timeout=PROCESS_TIMEOUT)
        finally:
            self.process.kill()
        for reader in self._readers:
            reader.join(timeout=PROCESS_TIMEOUT)
        stdout = "".join(iter(self.stdout_lines.get_nowait, ""))
        return returncode, stdout, self.stderr

    def stop(self, signum: int) -> tuple[int, str, str]:
        self.process.send_signal(signum)
        return self.wait()


STANDIN_CLI = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, "tests")
    from test_infra_stack import standin_shop, standin_simulator
    from shop.stack import main
    sys.exit(main(sys.argv[1:], shop_factory=standin_shop, simulator_factory=standin_simulator))
    """
)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_cli_serves_until_signal(signum: int) -> None:
    cli = Cli(["--shop-port", "0", "--simulator-port", "0"], script=STANDIN_CLI)
    urls = cli.read_urls()

    shop = requests.get(urls["Shop"], timeout=HTTP_TIMEOUT)
    simulator = requests.get(urls["APS simulator"], timeout=HTTP_TIMEOUT)
    returncode, stdout, stderr = cli.stop(signum)

    assert shop.text == "stand-in shop"
    assert simulator.text == "stand-in simulator"
    assert returncode == 0, stderr
    assert "Stopped." in stdout
    assert "shop.stack.shop" in stderr
    assert '"GET / HTTP/1.1" 200' in stderr
    assert "shop.stack.simulator" in stderr


def test_cli_reports_taken_port(taken_port: int) -> None:
    returncode, _, stderr = Cli(["--shop-port", str(taken_port), "--simulator-port", "0"]).wait()

    assert returncode == 1
    assert f"Port {taken_port}" in stderr
    assert "SHOP_PORT" in stderr
    assert "Traceback" not in stderr


def test_cli_reads_ports_from_environment(monkeypatch: pytest.MonkeyPatch, taken_port: int) -> None:
    monkeypatch.setenv("SIMULATOR_PORT", str(taken_port))
    monkeypatch.setenv("SHOP_PORT", "0")

    returncode, _, stderr = Cli([]).wait()

    assert returncode == 1
    assert f"Port {taken_port}" in stderr
    assert "SIMULATOR_PORT" in stderr


def test_cli_rejects_invalid_port_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHOP_PORT", "shop")

    returncode, _, stderr = Cli([]).wait()

    assert returncode != 0
    assert "SHOP_PORT='shop' is invalid" in stderr


# -- the real shop and simulator ----------------------------------------------


def test_stack_fixture_serves_real_apps(stack: Stack) -> None:
    shop = requests.get(stack.shop_url + "/", timeout=HTTP_TIMEOUT)
    simulator = requests.get(stack.simulator_url + "/", timeout=HTTP_TIMEOUT)

    assert shop.status_code == 200
    assert simulator.status_code < 500
    assert stack.shop_app.config["APS_PAYMENT_PAGE_URL"] == stack.simulator_url + "/FortAPI/paymentPage"
    assert stack.shop_app.config["APS_PAYMENT_API_URL"] == stack.simulator_url + "/FortAPI/paymentApi"
    assert stack.simulator_app.config["SIMULATOR_FEEDBACK_URL"] == stack.shop_url + "/aps/feedback"
    assert stack.simulator_app.config["SIMULATOR_NOTIFICATION_URL"] == stack.shop_url + "/aps/notification"


def test_stack_factory_passes_overrides(stack_factory: Any) -> None:
    stack = stack_factory(
        shop_overrides={"APS_COMMAND": "AUTHORIZATION"},
        simulator_overrides={"SIMULATOR_FEEDBACK_MODE": "before_return"},
    )

    assert stack.shop_app.config["APS_COMMAND"] == "AUTHORIZATION"
    assert stack.simulator_app.config["SIMULATOR_FEEDBACK_MODE"] == "before_return"
    assert stack.simulator_app.config["SIMULATOR_FEEDBACK_RETRY_SECONDS"] == 0.2
    assert requests.get(stack.shop_url + "/", timeout=HTTP_TIMEOUT).status_code == 200


def test_cli_runs_real_apps() -> None:
    cli = Cli(["--shop-port", "0", "--simulator-port", "0"])
    urls = cli.read_urls()

    shop = requests.get(urls["Shop"] + "/", timeout=HTTP_TIMEOUT)
    simulator = requests.get(urls["APS simulator"] + "/", timeout=HTTP_TIMEOUT)
    returncode, stdout, stderr = cli.stop(signal.SIGTERM)

    assert shop.status_code == 200
    assert simulator.status_code < 500
    assert returncode == 0, stderr
    assert "Stopped." in stdout
