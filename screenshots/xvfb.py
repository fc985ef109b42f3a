"""Xvfb, the virtual X server that gives headed Chromium a screen to draw its window on."""

from __future__ import annotations

import os
import select
import shutil
import subprocess
import time

# Seconds to wait for Xvfb to report its display number.
START_TIMEOUT_SECONDS = 10.0


class XvfbUnavailableError(RuntimeError):
    """Raised when Xvfb is not installed or does not start."""


class Xvfb:
    """One Xvfb server on a free display, with a single screen of ``width`` x ``height``."""

    def __init__(self, width: int, height: int, depth: int = 24) -> None:
        self.width = width
        self.height = height
        self.depth = depth
        self.display: str | None = None
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> Xvfb:
        """Start Xvfb and wait until it reports its display; raise ``XvfbUnavailableError`` otherwise."""
        executable = shutil.which("Xvfb")
        if executable is None:
            raise XvfbUnavailableError(
                "Xvfb is not installed, so `--frame window` cannot open a browser window. "
                "Install it (Debian or Ubuntu: apt-get install xvfb) or use `--frame drawn`."
            )
        read_end, write_end = os.pipe()
        try:
            # -displayfd: Xvfb picks a free display number and writes it to the pipe once ready.
            self._process = subprocess.Popen(
                [
                    executable, "-displayfd", str(write_end),
                    "-screen", "0", f"{self.width}x{self.height}x{self.depth}",
                    "-nolisten", "tcp",
                ],
                pass_fds=(write_end,),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
        finally:
            os.close(write_end)
        try:
            number = self._read_display(read_end)
        finally:
            os.close(read_end)
        self.display = f":{number}"
        return self

    def _read_display(self, read_end: int) -> str:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        received = b""
        while not received.endswith(b"\n"):
            remaining = deadline - time.monotonic()
            ready, _, _ = select.select([read_end], [], [], max(remaining, 0))
            if not ready:
                self.stop()
                raise XvfbUnavailableError(f"Xvfb did not report a display within {START_TIMEOUT_SECONDS:.0f} s")
            chunk = os.read(read_end, 64)
            if not chunk:
                errors = self._stop_and_read_errors()
                raise XvfbUnavailableError(f"Xvfb exited before it was ready: {errors or 'no message'}")
            received += chunk
        return received.decode("ascii").strip()

    def _stop_and_read_errors(self) -> str:
        process = self._process
        errors = ""
        if process is not None and process.stderr is not None:
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
            else:
                errors = process.stderr.read().decode("utf-8", "replace").strip()[-500:]
        self.stop()
        return errors

    def stop(self) -> None:
        """Stop the server started by ``start``; safe to call twice."""
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if process.stderr is not None and not process.stderr.closed:
            process.stderr.close()

    def __enter__(self) -> Xvfb:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
