"""Scenario replay: load a YAML scenario, run it in simulated time, report.

>>> from pathlib import Path
>>> scenario = load_scenario("scenarios/quickstart.yaml")
>>> result = run_scenario(scenario, seed=7)
>>> write_report(result, Path("reports/quickstart"))
"""
from __future__ import annotations

from simulator.replay.errors import ScenarioError
from simulator.replay.loader import load_scenario
from simulator.replay.matching import Mismatch, matches, mismatches
from simulator.replay.outcome import Failure, RequestRecord, RunResult
from simulator.replay.report import ReportDirError, check_out_dir, write_report
from simulator.replay.runner import run_scenario
from simulator.replay.scenario import Scenario
from simulator.replay.summary import render_summary

__all__ = [
    "Failure",
    "Mismatch",
    "ReportDirError",
    "RequestRecord",
    "RunResult",
    "Scenario",
    "ScenarioError",
    "check_out_dir",
    "load_scenario",
    "matches",
    "mismatches",
    "render_summary",
    "run_scenario",
    "write_report",
]
