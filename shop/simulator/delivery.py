"""Sending results: the browser form POST to return_url and the server-to-server feedback.

Direct transaction feedback goes to SIMULATOR_FEEDBACK_URL when a payment
ends; notification feedback goes to SIMULATOR_NOTIFICATION_URL when a
payment changes later (the pending test card settling, a capture, refund or
void). Each is retried until the merchant responds 2xx or 302, like APS (10
retries 10 s apart by default). The test switches can delay, drop or break
feedback (see switches.py).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urlsplit, urlunsplit

import requests
from flask import Response, redirect
from shop.aps.fields import FIELD_RULES

from .i18n import render_page

if TYPE_CHECKING:
    from .switches import Switches

logger = logging.getLogger("shop.simulator.delivery")

DIRECT = "feedback"
NOTIFICATION = "notification"
# Deliveries kept for inspection (tests, debugging); older finished ones are dropped.
MAX_KEPT_DELIVERIES = 1000


def usable_return_url(value: Any) -> bool:
    """Tell whether ``value`` is a return_url the browser can be sent to."""
    if not isinstance(value, str) or not value:
        return False
    rule = FIELD_RULES["return_url"]
    if len(value) > rule.max_length or not rule.pattern.fullmatch(value):
        return False
    parts = urlsplit(value)
    return parts.scheme in {"http", "https"} and bool(parts.netloc)


def return_url_for(request: Mapping[str, Any], settings: Mapping[str, Any]) -> str:
    """Return the request's return_url, else the default from the settings, else ''."""
    candidate = request.get("return_url")
    if usable_return_url(candidate):
        return str(candidate)
    default = settings["SIMULATOR_DEFAULT_RETURN_URL"]
    return default if usable_return_url(default) else ""


def return_form(url: str, fields: Mapping[str, Any], language: str) -> str:
    """Render the page that POSTs ``fields`` from the shopper's browser to ``url``.

    It submits itself with JavaScript and keeps a Continue button for
    browsers without it.
    """
    return render_page("return_form.html", language, url=url, fields=fields)


def return_redirect(url: str, fields: Mapping[str, Any]) -> Response:
    """Send the shopper's browser to ``url`` with ``fields`` in the query string (a GET).

    APS returns merchant-page TOKENIZATION results and the final result after
    the 3-D Secure check of a server-to-server payment this way. A query
    string already in ``url`` is kept, and the fields are added after it.
    """
    parts = urlsplit(url)
    query = urlencode({name: str(value) for name, value in fields.items()})
    if parts.query:
        query = parts.query + "&" + query
    return redirect(urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment)), code=303)


def dropped_return_page(fields: Mapping[str, Any], language: str) -> str:
    """Render the page shown instead of the browser return while SIMULATOR_DROP_RETURN is on."""
    return render_page("return_dropped.html", language, fields=fields)


@dataclass
class Delivery:
    """One feedback message and the outcome of each attempt to deliver it."""

    kind: str
    url: str
    fields: dict[str, Any]
    attempts: list[str] = field(default_factory=list)
    delivered: bool = False
    done: threading.Event = field(default_factory=threading.Event)


class FeedbackSender:
    """Posts feedback messages on background threads, retrying until the merchant acknowledges them."""

    def __init__(self, settings: Mapping[str, Any], switches: Switches | None = None) -> None:
        self.switches = switches
        self.format = settings["SIMULATOR_FEEDBACK_FORMAT"]
        self.mode = settings["SIMULATOR_FEEDBACK_MODE"]
        self.retries = settings["SIMULATOR_FEEDBACK_RETRIES"]
        self.retry_seconds = settings["SIMULATOR_FEEDBACK_RETRY_SECONDS"]
        self.timeout = settings["SIMULATOR_FEEDBACK_TIMEOUT_SECONDS"]
        self.urls = {DIRECT: settings["SIMULATOR_FEEDBACK_URL"], NOTIFICATION: settings["SIMULATOR_NOTIFICATION_URL"]}
        self.deliveries: list[Delivery] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()

    def send(self, kind: str, fields: Mapping[str, Any]) -> Delivery | None:
        """Deliver a signed message to the URL configured for ``kind``.

        In ``before_return`` mode the first attempt of a direct feedback runs
        on the calling thread, so the merchant has the result before the
        browser comes back. Any retries continue in the background. A
        feedback delay set by the test switches always runs in the background.
        Returns None when feedback is off or no URL is configured.
        """
        url = self.urls[kind]
        reference = fields.get("merchant_reference", "")
        if self.mode == "off" or not url:
            logger.info("Skipped %s merchant_reference=%s: feedback is off or has no URL", kind, reference)
            return None

        failure = self.switches.feedback_failure if self.switches else "none"
        delay = self.switches.feedback_delay_seconds if self.switches else 0.0
        delivery = Delivery(kind, url, dict(fields))
        if failure == "bad_signature" and "signature" in delivery.fields:
            # Reversed hex is still hex of the right length, so only the value is wrong.
            delivery.fields["signature"] = str(delivery.fields["signature"])[::-1]
        with self._lock:
            self.deliveries.append(delivery)
            if len(self.deliveries) > MAX_KEPT_DELIVERIES:
                self.deliveries = [kept for kept in self.deliveries if not kept.done.is_set()][-MAX_KEPT_DELIVERIES:]

        if failure == "drop":
            delivery.attempts.append("dropped: SIMULATOR_FEEDBACK_FAILURE=drop")
            delivery.done.set()
            logger.warning("Dropped %s merchant_reference=%s: SIMULATOR_FEEDBACK_FAILURE=drop", kind, reference)
            return delivery
        if delay > 0:
            logger.info("Delaying %s merchant_reference=%s by %g s", kind, reference, delay)
            self._start(delivery, attempts_made=0, delay=delay)
            return delivery

        if self.mode == "before_return" and kind == DIRECT:
            if self._attempt(delivery):
                delivery.done.set()
                return delivery
            self._start(delivery, attempts_made=1)
        else:
            self._start(delivery, attempts_made=0)
        return delivery

    def wait(self, timeout: float) -> bool:
        """Wait until every delivery so far has ended; False on timeout."""
        deadline = time.monotonic() + timeout
        with self._lock:
            pending = list(self.deliveries)
        for delivery in pending:
            if not delivery.done.wait(max(0.0, deadline - time.monotonic())):
                return False
        return True

    def recent(self, count: int) -> list[Delivery]:
        """Return the last ``count`` deliveries, oldest first."""
        with self._lock:
            return self.deliveries[-count:]

    def close(self) -> None:
        """Stop retrying; attempts already running finish on their own."""
        self._stopping.set()

    def _start(self, delivery: Delivery, attempts_made: int, delay: float = 0.0) -> None:
        thread = threading.Thread(
            target=self._run, args=(delivery, attempts_made, delay), name=f"aps-sim-{delivery.kind}", daemon=True
        )
        thread.start()

    def _run(self, delivery: Delivery, attempts_made: int, delay: float = 0.0) -> None:
        try:
            if delay and self._stopping.wait(delay):
                return
            if attempts_made == 0 and self._attempt(delivery):
                return
            for retry in range(1, self.retries + 1):
                if self._stopping.wait(self.retry_seconds):
                    return
                logger.info(
                    "Retrying %s merchant_reference=%s (retry %d of %d)",
                    delivery.kind, delivery.fields.get("merchant_reference", ""), retry, self.retries,
                )
                if self._attempt(delivery):
                    return
            logger.error(
                "Gave up on %s to %s merchant_reference=%s after %d attempts",
                delivery.kind, delivery.url, delivery.fields.get("merchant_reference", ""), len(delivery.attempts),
            )
        finally:
            delivery.done.set()

    def _attempt(self, delivery: Delivery) -> bool:
        """POST the message once; True when the merchant responded 2xx or 302."""
        reference = delivery.fields.get("merchant_reference", "")
        if self.switches and self.switches.feedback_failure == "error":
            delivery.attempts.append("error: SIMULATOR_FEEDBACK_FAILURE=error")
            logger.warning(
                "Sending %s to %s failed merchant_reference=%s: SIMULATOR_FEEDBACK_FAILURE=error",
                delivery.kind, delivery.url, reference,
            )
            return False
        try:
            if self.format == "json":
                body = json.dumps(delivery.fields, ensure_ascii=False).encode("utf-8")
                response = requests.post(
                    delivery.url, data=body, timeout=self.timeout, allow_redirects=False,
                    headers={"Content-Type": "application/json; charset=utf-8"},
                )
            else:
                response = requests.post(delivery.url, data=delivery.fields, timeout=self.timeout, allow_redirects=False)
        except requests.RequestException as error:
            delivery.attempts.append(f"error: {error}")
            logger.warning("Sending %s to %s failed merchant_reference=%s: %s", delivery.kind, delivery.url, reference, error)
            return False

        delivery.attempts.append(f"HTTP {response.status_code}")
        if 200 <= response.status_code < 300 or response.status_code == 302:
            delivery.delivered = True
            logger.info(
                "Sent %s to %s merchant_reference=%s response_code=%s: HTTP %s",
                delivery.kind, delivery.url, reference, delivery.fields.get("response_code", ""), response.status_code,
            )
            return True
        logger.warning(
            "Merchant responded to %s with HTTP %s url=%s merchant_reference=%s",
            delivery.kind, response.status_code, delivery.url, reference,
        )
        return False
