"""pytest-bdd's Cucumber JSON, with each scenario's attachments as embeddings.

pytest-bdd writes an element per scenario when its call phase ends, before
the scenario's sandbox is read at teardown, and has no hook for
attachments. So this writer remembers which element belongs to which test
and adds the embeddings when the session ends, just before the file is
written. They go on the scenario's last step, where Cucumber report viewers
show step embeddings: for a failed scenario that step is failed too (pytest-bdd
fails every step from the failing one on).
"""
from __future__ import annotations

import base64
from collections.abc import Mapping
from pathlib import Path
from typing import Any, cast

import pytest
from pytest_bdd.cucumber_json import LogBDDCucumberJSON
from pytest_bdd.reporting import test_report_context_registry

from simulator.testing.attachments import ScenarioAttachments


class CucumberJsonWithAttachments(LogBDDCucumberJSON):
    def __init__(self, path: Path, captured: Mapping[str, ScenarioAttachments]) -> None:
        super().__init__(str(path))
        self._captured = captured
        self._elements: dict[str, dict[str, Any]] = {}
        """nodeid -> the scenario's element in `features`."""

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        super().pytest_runtest_logreport(report)
        context = test_report_context_registry.get(report)
        if report.when == "call" and context is not None and context.scenario["steps"]:
            feature = self.features[context.scenario["feature"]["filename"]]
            self._elements[report.nodeid] = cast(dict[str, Any], feature["elements"][-1])

    def pytest_sessionfinish(self) -> None:
        for nodeid, element in self._elements.items():
            captured = self._captured.get(nodeid)
            if captured is not None:
                element["steps"][-1]["embeddings"] = embeddings(captured)
        super().pytest_sessionfinish()


def embeddings(captured: ScenarioAttachments) -> list[dict[str, str]]:
    """Cucumber's embedding (`mime_type`, base64 `data`), plus the `name` newer formatters write."""
    return [
        {
            "name": captured.path_of(attachment.name),
            "mime_type": attachment.mime_type,
            "data": base64.b64encode(attachment.body).decode("ascii"),
        }
        for attachment in captured.attachments
    ]
