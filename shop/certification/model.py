"""Results of the verification checklist: one line per check point, each PASS, FAIL or N/A with evidence."""

from __future__ import annotations

import enum
from collections import Counter
from dataclasses import dataclass, field


class Status(enum.StrEnum):
    PASS = "PASS"
    FAIL = "FAIL"
    NOT_APPLICABLE = "N/A"


@dataclass(frozen=True)
class Line:
    """One check point of one of APS's "Verify the Integration" tables, and what was found."""

    integration: str
    check_point: str
    # The part of the check point this line covers, e.g. "return_url is https".
    item: str
    status: Status
    evidence: str
    # What to change when the line fails.
    hint: str = ""

    @property
    def label(self) -> str:
        return f"{self.check_point} ({self.item})" if self.item else self.check_point


@dataclass
class Report:
    """The whole checklist for one shop."""

    account_name: str
    base_url: str
    aps_environment: str
    started_here: bool
    lines: list[Line] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return any(line.status == Status.FAIL for line in self.lines)

    def counts(self) -> Counter[Status]:
        return Counter(line.status for line in self.lines)

    def counts_text(self) -> str:
        counts = self.counts()
        return ", ".join(f"{counts.get(status, 0)} {status.value}" for status in Status)

    def integrations(self) -> list[str]:
        """Return the integration types in the order their lines were added."""
        return list(dict.fromkeys(line.integration for line in self.lines))
