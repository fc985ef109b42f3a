"""mada BINs: which card numbers belong to mada, the Saudi domestic debit scheme.

mada cards carry Visa or Mastercard numbers, so the mada check must run
before the Visa and Mastercard prefixes. A number is a mada card when it
starts with one of the listed prefixes (6- or 8-digit BINs, anchored at the
first digit). A prefix found later in the number does not count.

The built-in list is ``mada_bins.json`` beside this module: the union of the
lists in the official WooCommerce, Magento 2 and Salesforce Commerce Cloud
plugins, with the date it was compiled and each BIN's sources. Two
environment variables change it, for the shop and the simulator alike:

    APS_MADA_BINS        replaces the built-in list
    APS_MADA_BINS_EXTRA  adds prefixes to the built-in list (or to APS_MADA_BINS)

Both take prefixes of 4 to 8 digits separated by commas, ``|`` or spaces.
An empty entry (``,,`` or a leading ``|``) is rejected: the Magento 2 plugin
stores its list as a regular expression that starts with ``|``, and that
empty alternative makes ``^(|406996|...)`` match every card number.

No web framework is imported, so the module can be copied with ``shop/aps``.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

BINS_FILE = Path(__file__).with_name("mada_bins.json")
REPLACE_VARIABLE = "APS_MADA_BINS"
EXTRA_VARIABLE = "APS_MADA_BINS_EXTRA"

# BINs are 6 or 8 digits, but plugin lists contain shorter prefixes (the SFCC
# cartridge lists 58845), so 4 digits are accepted. A shorter prefix would
# claim a large share of all Visa or Mastercard numbers.
MIN_PREFIX_LENGTH = 4
MAX_PREFIX_LENGTH = 8

_SEPARATORS = re.compile(r"\s*[,|]\s*|\s+")


class MadaConfigError(ValueError):
    """Raised when APS_MADA_BINS or APS_MADA_BINS_EXTRA is invalid."""


@dataclass(frozen=True)
class MadaBins:
    """A list of mada BIN prefixes and where it came from.

    ``updated`` is the date the built-in list was compiled. ``origin`` is
    "built-in" or names the environment variables that changed the list.
    """

    prefixes: tuple[str, ...]
    updated: str
    origin: str = "built-in"
    _pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.prefixes:
            raise MadaConfigError("the mada BIN list is empty")
        # Longest prefixes first, so an 8-digit BIN is tried before a 6-digit one it starts with.
        alternatives = sorted(self.prefixes, key=lambda prefix: (-len(prefix), prefix))
        pattern = re.compile("^(?:" + "|".join(re.escape(prefix) for prefix in alternatives) + ")", re.ASCII)
        object.__setattr__(self, "_pattern", pattern)

    def matches(self, number: str) -> bool:
        """Tell whether the digit string ``number`` starts with a mada BIN prefix."""
        if not number or not number.isascii() or not number.isdigit():
            return False
        return self._pattern.match(number) is not None

    def matching_prefix(self, number: str) -> str | None:
        """Return the mada prefix ``number`` starts with (the longest one), or None."""
        if not self.matches(number):
            return None
        match = self._pattern.match(number)
        return match.group(0) if match else None

    def as_json(self) -> dict[str, Any]:
        """Return the list as the JSON object that the card-brand script reads."""
        return {"updated": self.updated, "origin": self.origin, "bins": list(self.prefixes)}


def parse_prefixes(text: str, variable: str) -> tuple[str, ...]:
    """Parse a configured BIN list; raise ``MadaConfigError`` naming ``variable`` and the bad entry."""
    entries = _SEPARATORS.split(text.strip())
    for position, entry in enumerate(entries, start=1):
        if entry == "":
            raise MadaConfigError(
                f"{variable} has an empty entry at position {position}; remove the extra separator, "
                "because an empty entry would match every card number"
            )
        if not entry.isascii() or not entry.isdigit() or not MIN_PREFIX_LENGTH <= len(entry) <= MAX_PREFIX_LENGTH:
            raise MadaConfigError(
                f"{variable} entry {entry!r} is invalid; use BIN prefixes of {MIN_PREFIX_LENGTH} to "
                f"{MAX_PREFIX_LENGTH} digits separated by commas"
            )
    return tuple(entries)


def read_bins_file(path: Path = BINS_FILE) -> dict[str, Any]:
    """Read the dated BIN list with its sources."""
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


@lru_cache(maxsize=1)
def builtin_bins() -> MadaBins:
    """Return the built-in list from ``mada_bins.json``."""
    data = read_bins_file()
    prefixes = parse_prefixes(",".join(entry["bin"] for entry in data["bins"]), BINS_FILE.name)
    return MadaBins(tuple(sorted(set(prefixes))), data["updated"])


@lru_cache(maxsize=16)
def _configured(replace: str, extra: str) -> MadaBins:
    builtin = builtin_bins()
    prefixes = set(builtin.prefixes)
    changed_by = []
    if replace.strip():
        prefixes = set(parse_prefixes(replace, REPLACE_VARIABLE))
        changed_by.append(REPLACE_VARIABLE)
    if extra.strip():
        prefixes |= set(parse_prefixes(extra, EXTRA_VARIABLE))
        changed_by.append(EXTRA_VARIABLE)
    origin = " and ".join(changed_by) if changed_by else builtin.origin
    return MadaBins(tuple(sorted(prefixes)), builtin.updated, origin)


def load_bins(environ: Mapping[str, str] | None = None) -> MadaBins:
    """Return the mada list in effect: the built-in one as changed by the environment.

    An unset or blank variable changes nothing. Raises ``MadaConfigError``
    for an invalid value, so a program can stop at start-up.
    """
    env = os.environ if environ is None else environ
    return _configured(env.get(REPLACE_VARIABLE, ""), env.get(EXTRA_VARIABLE, ""))


def is_mada(number: str, bins: MadaBins | None = None) -> bool:
    """Tell whether ``number`` (digits only) is a mada card under ``bins`` or the list in effect."""
    return (bins or load_bins()).matches(number)
