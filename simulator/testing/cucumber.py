"""pytest-bdd's Cucumber JSON, with each scenario's attachments as embeddings, in a stable order.

pytest-bdd writes an element per scenario when its call phase ends, before
the scenario's sandbox is read at teardown, and has no hook for
attachments. So this writer remembers which element belongs to which test,
and the attachment paths its teardown report lists (the JUnit properties),
and adds the embeddings from the files when the session ends, just before
the file is written. They go on the scenario's last step, where Cucumber
report viewers show step embeddings: for a failed scenario that step is
failed too (pytest-bdd fails every step from the failing one on).

Reports from pytest-xdist workers carry pytest-bdd's scenario context with
them (`scenario_reports.shipped_scenario`); features and scenarios are
written in node id order (seeds by number), so the file is the same
whichever worker ran what.
"""
from __future__ import annotations

import base64
from pathlib import Path
from typing import Any, cast

import pytest
from pytest_bdd.cucumber_json import LogBDDCucumberJSON
from pytest_bdd.reporting import test_report_context_registry

from simulator.testing.attachments import Attachment
from simulator.testing.ordering import node_order, seed_of
from simulator.testing.scenario_reports import JUNIT_PROPERTY, shipped_scenario


class CucumberJsonWithAttachments(LogBDDCucumberJSON):
    def __init__(self, path: Path, out: Path) -> None:
        super().__init__(str(path))
        self._out = out
        self._elements: dict[str, dict[str, Any]] = {}
        """nodeid -> the scenario's element in `features`."""
        self._attached: dict[str, list[str]] = {}
        """nodeid -> its attachments' paths under the report folder."""

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if test_report_context_registry.get(report) is None and (shipped := shipped_scenario(report)) is not None:
            test_report_context_registry[report] = shipped
        super().pytest_runtest_logreport(report)
        context = test_report_context_registry.get(report)
        if report.when == "call" and context is not None and context.scenario["steps"]:
            feature = self.features[context.scenario["feature"]["filename"]]
            self._elements[report.nodeid] = cast(dict[str, Any], feature["elements"][-1])
        if report.when == "teardown":
            self._attached[report.nodeid] = [str(value) for name, value in report.user_properties if name == JUNIT_PROPERTY]

    def pytest_sessionfinish(self) -> None:
        for nodeid, element in self._elements.items():
            seed = seed_of(nodeid)
            if seed is not None:
                element["name"] = f"{element['name']} [bakkt-seed={seed}]"
            paths = self._attached.get(nodeid)
            if paths:
                element["steps"][-1]["embeddings"] = [embedding(path, (self._out / path).read_bytes()) for path in paths]
        place = {id(element): node_order(nodeid) for nodeid, element in self._elements.items()}
        for feature in self.features.values():
            feature["elements"].sort(key=lambda element: place[id(element)])
        self.features = dict(sorted(self.features.items()))
        super().pytest_sessionfinish()


def embedding(path: str, body: bytes) -> dict[str, str]:
    """Cucumber's embedding (`mime_type`, base64 `data`), plus the `name` newer formatters write."""
    return {
        "name": path,
        "mime_type": Attachment(path, body).mime_type,
        "data": base64.b64encode(body).decode("ascii"),
    }
