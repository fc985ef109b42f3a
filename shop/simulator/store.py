"""In-memory state of the simulator: hosted-page sessions, transactions and tokens.

Everything lives in one process and is lost on restart, like a sandbox that
is reset. One lock guards all of it because Flask serves requests on several
threads and feedback timers run on their own.
"""

from __future__ import annotations

import itertools
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

# Hosted-page sessions older than this are forgotten (seconds).
SESSION_LIFETIME_SECONDS = 24 * 3600
DONE = "done"


@dataclass
class PageSession:
    """One accepted paymentPage request, waiting for the shopper on a hosted page.

    ``request`` contains the fields exactly as received. ``method`` is the key
    of the hosted-page handler that serves it. ``data`` is scratch space for
    the handler, such as the card details between the card page and the
    3-D Secure page.
    ``stage`` starts as ``open``; handlers move it on with ``Store.advance``
    and ``done`` closes the session, so a double click pays only once.
    """

    id: str
    request: dict[str, str]
    customer_ip: str
    method: str
    created_at: float = field(default_factory=time.time)
    data: dict[str, Any] = field(default_factory=dict)
    stage: str = "open"


@dataclass
class Transaction:
    """Payment stored by the simulator, as CHECK_STATUS reports it.

    Amounts are minor-unit strings like every APS amount. ``result`` is the
    last signed result message sent for it, without its signature; a
    notification feedback starts from it.
    """

    merchant_reference: str
    fort_id: str
    command: str
    amount: str
    currency: str
    language: str
    response_code: str
    payment_option: str = ""
    authorization_code: str = ""
    authorized_amount: str = "0"
    captured_amount: str = "0"
    refunded_amount: str = "0"
    result: dict[str, str] = field(default_factory=dict)

    @property
    def status(self) -> str:
        return self.response_code[:2]


class Store:
    """Sessions, transactions (by merchant_reference and fort_id) and tokens behind one lock."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.sessions: dict[str, PageSession] = {}
        self.references: set[str] = set()
        self.transactions: dict[str, Transaction] = {}
        self.by_fort_id: dict[str, Transaction] = {}
        # token_name -> card details; filled by tokenization once it exists.
        self.tokens: dict[str, dict[str, Any]] = {}
        self._fort_sequence = itertools.count(1)

    def is_reference_used(self, merchant_reference: str) -> bool:
        """Tell whether a request with ``merchant_reference`` was already accepted."""
        with self.lock:
            return merchant_reference in self.references

    def reserve_reference(self, merchant_reference: str) -> bool:
        """Mark ``merchant_reference`` as used; False when it already was."""
        with self.lock:
            if merchant_reference in self.references:
                return False
            self.references.add(merchant_reference)
            return True

    def open_session(self, request: Mapping[str, str], customer_ip: str, method: str) -> PageSession:
        """Store an accepted paymentPage request under a new unguessable session id.

        Sessions older than ``SESSION_LIFETIME_SECONDS`` are dropped here, so
        a simulator left running for days does not grow without bound.
        """
        session = PageSession(secrets.token_urlsafe(24), dict(request), customer_ip, method)
        cutoff = time.time() - SESSION_LIFETIME_SECONDS
        with self.lock:
            for stale in [key for key, value in self.sessions.items() if value.created_at < cutoff]:
                del self.sessions[stale]
            self.sessions[session.id] = session
        return session

    def get_session(self, session_id: str, stage: str | None = None) -> PageSession | None:
        """Return the session ``session_id`` if it is open (and at ``stage`` when given), else None."""
        with self.lock:
            session = self.sessions.get(session_id)
            if session is None or session.stage == DONE:
                return None
            if stage is not None and session.stage != stage:
                return None
            return session

    def advance(self, session: PageSession, expected: str, new: str) -> bool:
        """Move ``session`` from stage ``expected`` to ``new``; False when it was elsewhere (a double submit)."""
        with self.lock:
            if session.stage != expected:
                return False
            session.stage = new
            return True

    def new_fort_id(self) -> str:
        """Return a new 18-digit numeric fort_id: milliseconds since 1970 and a sequence number."""
        sequence = next(self._fort_sequence) % 100_000
        return f"{int(time.time() * 1000):013d}{sequence:05d}"

    def save(self, transaction: Transaction) -> None:
        """Add or replace ``transaction`` under its merchant_reference and fort_id."""
        with self.lock:
            self.transactions[transaction.merchant_reference] = transaction
            self.by_fort_id[transaction.fort_id] = transaction

    def find(self, merchant_reference: str | None = None, fort_id: str | None = None) -> Transaction | None:
        """Find a transaction by merchant_reference and/or fort_id; both must match when both are given."""
        with self.lock:
            by_reference = self.transactions.get(merchant_reference) if merchant_reference else None
            by_fort = self.by_fort_id.get(fort_id) if fort_id else None
        if merchant_reference and fort_id:
            return by_reference if by_reference is not None and by_reference is by_fort else None
        return by_reference or by_fort

    def update(self, transaction: Transaction, change: Callable[[Transaction], None]) -> None:
        """Apply ``change`` to ``transaction`` under the lock."""
        with self.lock:
            change(transaction)
