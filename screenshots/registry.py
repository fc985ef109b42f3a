"""Scenario registry of the go-live screenshot kit.

A scenario is data (payment method, expected outcome, languages, the archive
its images go into) plus a sequence of steps. Each step is a function that
drives the page and then calls ``run.capture(step_name)``. A payment method
gets its scenarios from one module under ``screenshots/scenarios/`` that calls
``register``; the runner imports every module there, so adding a method needs
no edit to the runner.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .run import ScenarioRun

SUCCESS = "success"
DECLINED = "declined"
OUTCOMES = (SUCCESS, DECLINED)
LANGUAGES = ("en", "ar")

StepFunction = Callable[["ScenarioRun"], None]


@dataclass(frozen=True)
class Step:
    """One step: ``run`` drives the page and captures the screenshot ``name``."""

    name: str
    run: StepFunction
    # What APS's go-live checklist calls this screenshot, e.g. "3-D Secure page".
    title: str = ""


@dataclass(frozen=True)
class Scenario:
    """One certification scenario, run once per language.

    ``method`` is the shop's payment-method code (``shop.payments.methods``);
    the scenario runs only while that method is registered. ``archive`` is the
    zip its images go into, because APS requires one zip per method, or one
    per method and outcome. ``test_case`` is the test as APS's checklist names
    it, for the merchant-reference list and the sign-off e-mail.
    """

    name: str
    method: str
    outcome: str
    languages: tuple[str, ...]
    steps: tuple[Step, ...]
    archive: str
    test_case: str
    # Anything the steps need: card number, product SKU, e-mail address...
    data: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.outcome not in OUTCOMES:
            raise ValueError(f"scenario {self.name!r}: outcome {self.outcome!r} is invalid; use one of {OUTCOMES}")
        unknown = set(self.languages) - set(LANGUAGES)
        if unknown or not self.languages:
            raise ValueError(f"scenario {self.name!r}: languages {self.languages!r} must be a non-empty subset of {LANGUAGES}")
        names = [step.name for step in self.steps]
        if len(set(names)) != len(names):
            raise ValueError(f"scenario {self.name!r}: step names {names} repeat")


_REGISTRY: dict[str, Scenario] = {}


def register(scenario: Scenario) -> Scenario:
    """Add ``scenario``; registering another scenario under the same name is an error."""
    existing = _REGISTRY.get(scenario.name)
    if existing is not None and existing is not scenario:
        raise ValueError(f"scenario {scenario.name!r} is already registered")
    _REGISTRY[scenario.name] = scenario
    return scenario


def load_scenarios() -> list[Scenario]:
    """Import every module of ``screenshots.scenarios`` and return all scenarios in registration order."""
    from . import scenarios as package

    for module in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"{package.__name__}.{module.name}")
    return list(_REGISTRY.values())


def select(
    scenarios: Iterable[Scenario],
    methods: Iterable[str] = (),
    languages: Iterable[str] = (),
    names: Iterable[str] = (),
) -> list[tuple[Scenario, str]]:
    """Return the (scenario, language) pairs that pass the filters; an empty filter keeps everything."""
    methods, languages, names = set(methods), set(languages), set(names)
    selected = []
    for scenario in scenarios:
        if methods and scenario.method not in methods:
            continue
        if names and scenario.name not in names:
            continue
        for language in scenario.languages:
            if languages and language not in languages:
                continue
            selected.append((scenario, language))
    return selected


def shop_method_registered(code: str) -> bool:
    """Tell whether the shop's code registers payment method ``code``."""
    from shop.payments.methods import get_method

    return get_method(code) is not None
