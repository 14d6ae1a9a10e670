"""The command line's overrides replace only what they give; everything else, defaults included, comes from
the configuration (Config keeps the defaults, once)."""

from __future__ import annotations

from dataclasses import fields, replace
from pathlib import Path

import pytest

from perfgate.app.config import Overrides, gate_settings
from perfgate.app.workspace import load_config
from perfgate.config import Config
from perfgate.errors import ConfigError
from perfgate.gate.settings import Settings


def test_no_override_leaves_the_configuration_as_it_is(tmp_path: Path) -> None:
    (tmp_path / "perfgate.toml").write_text('[perfgate]\nsuite = "api"\nmax_regression = "10%"\nbaseline_runs = 8\n')
    cfg = load_config(None, tmp_path)
    assert Overrides().applied_to(cfg) == cfg
    assert Overrides(suite="").applied_to(cfg).suite == "api"  # the Action's empty suite input


def test_each_override_replaces_its_setting_only() -> None:
    cfg = Config(suite="api", max_regression=0.1, baseline_runs=8)
    given = Overrides(suite="web", max_regression="3%", fdr=0.1, min_samples=9, baseline_runs=2)
    assert given.applied_to(cfg) == replace(
        cfg, suite="web", max_regression=0.03, fdr=0.1, min_samples=9, baseline_runs=2
    )
    assert Overrides(max_regression="0.2").applied_to(cfg) == replace(cfg, max_regression=0.2)


def test_a_bad_override_names_the_option() -> None:
    with pytest.raises(ConfigError, match="--max-regression: expected a percentage"):
        Overrides(max_regression="five").applied_to(Config())


def test_the_gate_settings_are_the_configuration_s() -> None:
    cfg = Config(max_regression=0.2, fdr=0.1, confidence=0.8, min_samples=7, run_noise=0.03, max_error_increase=0.02)
    settings = gate_settings(cfg)
    shared = [f.name for f in fields(Settings) if f.name != "between_runs"]
    assert [getattr(settings, name) for name in shared] == [getattr(cfg, name) for name in shared]
    assert gate_settings(cfg, between_runs=True).between_runs and not settings.between_runs
