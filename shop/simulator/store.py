"""In-memory state of the simulator: hosted-page sessions, transactions and tokens.

Everything lives in one process and is lost on restart, like a sandbox that
is reset. One lock guards all of it because Flask serves requests on several
threads and feedback timers run on their own.
"""

from __future__ import annotations

import datetime as dt
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

# What a merchant_reference was used for. A reference used by a successful
# TOKENIZATION may be used once more by the S2S PURCHASE or AUTHORIZATION
# that pays with the new token. The APS sandbox allows this: the official
# .NET SDK's sandbox log shows both requests with one merchant_reference.
PAYMENT_REFERENCE = "payment"
TOKENIZATION_REFERENCE = "tokenization"

TOKEN_ACTIVE = "ACTIVE"
TOKEN_INACTIVE = "INACTIVE"


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
    notification feedback starts from it. ``operations`` lists the CAPTURE,
    REFUND and VOID_AUTHORIZATION requests made on it, failed ones included.
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

    token_name: str = ""
    operations: list[Operation] = field(default_factory=list)

    @property
    def status(self) -> str:
        return self.response_code[:2]

    def succeeded(self, command: str) -> list[Operation]:
        """Return the successful maintenance operations of ``command`` (CAPTURE, REFUND...), oldest first."""
        return [operation for operation in self.operations if operation.command == command and operation.succeeded]

    @property
    def voided(self) -> bool:
        return bool(self.succeeded("VOID_AUTHORIZATION"))

    @property
    def latest_code(self) -> str:
        """Return the code of the last successful maintenance operation, else the payment's own code."""
        for operation in reversed(self.operations):
            if operation.succeeded:
                return operation.response_code
        return self.response_code


@dataclass
class Operation:
    """One CAPTURE, REFUND or VOID_AUTHORIZATION request on a transaction and its outcome.

    ``amount`` is in minor units ("0" for a void without amount).
    ``maintenance_reference`` is the merchant's optional id of the operation.
    """

    command: str
    amount: str
    response_code: str
    maintenance_reference: str = ""
    created_at: float = field(default_factory=time.time)

    @property
    def succeeded(self) -> bool:
        return self.response_code in {"04000", "06000", "08000"}


@dataclass
class Token:
    """A card saved by TOKENIZATION, found by its ``token_name``.

    The full card number stays in the simulator's memory, so a payment with
    the token behaves like the test card it was made from. Responses only
    carry the masked number. ``fresh_cvv`` is True between a tokenization
    that checked the CVV and the first payment with the token, which then
    needs no ``card_security_code``.
    """

    token_name: str
    card_number: str
    brand: str
    expiry_date: str
    card_holder_name: str = ""
    remember_me: str = ""
    status: str = TOKEN_ACTIVE
    fresh_cvv: bool = False
    created_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.timezone.utc))

    @property
    def card_bin(self) -> str:
        return self.card_number[:6]

    @property
    def masked_number(self) -> str:
        if len(self.card_number) <= 10:
            return self.card_number
        return self.card_number[:6] + "*" * (len(self.card_number) - 10) + self.card_number[-4:]

    @property
    def active(self) -> bool:
        return self.status == TOKEN_ACTIVE


class Store:
    """Sessions, transactions (by merchant_reference and fort_id) and tokens behind one lock."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.sessions: dict[str, PageSession] = {}
        # merchant_reference -> PAYMENT_REFERENCE or TOKENIZATION_REFERENCE
        self.references: dict[str, str] = {}
        self.transactions: dict[str, Transaction] = {}
        self.by_fort_id: dict[str, Transaction] = {}
        self.tokens: dict[str, Token] = {}
        # merchant_reference -> the last STC Pay GENERATE_OTP request made with it (api/stcpay.py).
        self.otp_requests: dict[str, Any] = {}
        self._fort_sequence = itertools.count(1)

    def is_reference_used(self, merchant_reference: str) -> bool:
        """Tell whether a request with ``merchant_reference`` was already accepted."""
        with self.lock:
            return merchant_reference in self.references

    def reserve_reference(self, merchant_reference: str, kind: str = PAYMENT_REFERENCE) -> bool:
        """Mark ``merchant_reference`` as used for ``kind``; False when it already was."""
        with self.lock:
            if merchant_reference in self.references:
                return False
            self.references[merchant_reference] = kind
            return True

    def reference_kind(self, merchant_reference: str) -> str | None:
        """Return what ``merchant_reference`` was used for (PAYMENT_REFERENCE...), or None when unused."""
        with self.lock:
            return self.references.get(merchant_reference)

    def reserve_payment_reference(self, merchant_reference: str) -> bool:
        """Reserve a reference for a server-to-server payment.

        The reference must be unused, or used only by a TOKENIZATION; False otherwise.
        """
        with self.lock:
            kind = self.references.get(merchant_reference)
            if kind not in (None, TOKENIZATION_REFERENCE):
                return False
            self.references[merchant_reference] = PAYMENT_REFERENCE
            return True

    def release_reference(self, merchant_reference: str) -> None:
        """Forget that ``merchant_reference`` was used, after a request that was rejected in the end."""
        with self.lock:
            self.references.pop(merchant_reference, None)

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

    def new_token_name(self) -> str:
        """Return an unused token_name of 32 hex digits, the form the APS sandbox generates."""
        with self.lock:
            while True:
                name = secrets.token_hex(16)
                if name not in self.tokens:
                    return name

    def add_token(self, token: Token) -> bool:
        """Store ``token``; False when its token_name is taken."""
        with self.lock:
            if token.token_name in self.tokens:
                return False
            self.tokens[token.token_name] = token
            return True

    def find_token(self, token_name: str) -> Token | None:
        """Return the token named ``token_name``, active or not, or None."""
        with self.lock:
            return self.tokens.get(token_name)

    def rename_token(self, token: Token, new_name: str) -> bool:
        """Give ``token`` the name ``new_name``; False when another token has it."""
        with self.lock:
            if new_name in self.tokens:
                return False
            del self.tokens[token.token_name]
            token.token_name = new_name
            self.tokens[new_name] = token
            return True
