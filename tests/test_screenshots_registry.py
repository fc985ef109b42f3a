"""The scenario registry: the card scenarios APS requires, filters, validation and listing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from screenshots import registry
from screenshots.registry import DECLINED, SUCCESS, Scenario, Step
from screenshots.run import EXIT_SETUP_FAILED, Options, run_kit

ROOT = Path(__file__).resolve().parents[1]


def _noop(run):
    run.capture()


def _scenario(name="extra", method="card", languages=("en", "ar"), outcome=SUCCESS, steps=None):
    return Scenario(name=name, method=method, outcome=outcome, languages=languages,
                    steps=steps or (Step("one", _noop),), archive=name, test_case="Extra test")


def test_card_scenarios_cover_the_basic_payment_tests():
    scenarios = {scenario.name: scenario for scenario in registry.load_scenarios()}
    for name in ("card-success", "card-3ds-success", "card-declined"):
        assert name in scenarios
        assert scenarios[name].languages == ("en", "ar")
        assert scenarios[name].archive == "card"
        assert [step.name for step in scenarios[name].steps][:3] == ["pre-checkout", "checkout", "payment-page"]
    assert [step.name for step in scenarios["card-3ds-success"].steps][-2:] == ["3ds", "success"]
    assert scenarios["card-declined"].outcome == DECLINED
    assert scenarios["card-declined"].steps[-1].name == "failure"


def test_local_schemes_follow_the_zip_rules():
    """KNET, NAPS, BENEFIT and STC Pay: one zip per outcome; OmanNet: one zip; mada goes with the cards."""
    from shop.payments.methods import get_method

    scenarios = {scenario.name: scenario for scenario in registry.load_scenarios()}
    for code in ("knet", "naps", "benefit", "stcpay"):
        if get_method(code) is None:
            assert f"{code}-success" not in scenarios
            continue
        assert scenarios[f"{code}-success"].archive == f"{code}-success"
        assert scenarios[f"{code}-declined"].archive == f"{code}-declined"
        assert scenarios[f"{code}-declined"].outcome == DECLINED
    if get_method("naps") is not None:
        assert scenarios["naps-success"].languages == ("en", "ar")
    if get_method("omannet") is not None:
        assert scenarios["omannet-success"].archive == scenarios["omannet-declined"].archive == "omannet"
        assert "otp" in [step.name for step in scenarios["omannet-success"].steps]
    if get_method("stcpay") is not None:
        assert [step.name for step in scenarios["stcpay-success"].steps][2:4] == ["stcpay-phone", "stcpay-otp"]
    if get_method("mada") is not None:
        assert scenarios["mada-success"].archive == "card"
        assert scenarios["mada-success"].data["card"].brand == "MADA"


def test_select_filters_by_method_language_and_name():
    scenarios = [_scenario("a"), _scenario("b", method="knet"), _scenario("c", languages=("ar",))]
    assert [(s.name, lang) for s, lang in registry.select(scenarios)] == [
        ("a", "en"), ("a", "ar"), ("b", "en"), ("b", "ar"), ("c", "ar"),
    ]
    assert [(s.name, lang) for s, lang in registry.select(scenarios, methods=["knet"])] == [("b", "en"), ("b", "ar")]
    assert [(s.name, lang) for s, lang in registry.select(scenarios, languages=["en"])] == [("a", "en"), ("b", "en")]
    assert [(s.name, lang) for s, lang in registry.select(scenarios, names=["c"])] == [("c", "ar")]


def test_scenario_rejects_unknown_outcome_and_language():
    with pytest.raises(ValueError, match="outcome"):
        _scenario(outcome="pending")
    with pytest.raises(ValueError, match="languages"):
        _scenario(languages=("fr",))
    with pytest.raises(ValueError, match="repeat"):
        _scenario(steps=(Step("one", _noop), Step("one", _noop)))


def test_register_rejects_duplicate_name(monkeypatch):
    monkeypatch.setattr(registry, "_REGISTRY", {})
    registry.register(_scenario("same"))
    with pytest.raises(ValueError, match="already registered"):
        registry.register(_scenario("same"))


def test_scenario_of_missing_method_is_skipped(tmp_path):
    lines = []
    result = run_kit(Options(out_dir=tmp_path), scenarios=[_scenario("future", method="no-such-method")],
                     output=lines.append)
    assert result.exit_code == EXIT_SETUP_FAILED
    assert "skipped future: payment method 'no-such-method' is not registered in the shop" in lines
    assert not any(tmp_path.iterdir())


def test_list_option_prints_every_scenario():
    completed = subprocess.run([sys.executable, "-m", "screenshots", "--list"], cwd=ROOT,
                               capture_output=True, text=True, timeout=60)
    assert completed.returncode == 0, completed.stderr
    assert "card-3ds-success: card, success, en/ar, zip card.zip" in completed.stdout
    assert "3ds" in completed.stdout
