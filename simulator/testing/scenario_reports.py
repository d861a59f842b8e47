"""The plugin `--bakkt-report` registers: it captures each test's outputs and attaches them.

Each format gets them its own way: the JUnit XML as `attachment` properties
(paths relative to the report folder), the HTML report as pytest-html
extras on the test's teardown report, the Cucumber JSON through the
`captured` mapping its writer reads when the session ends.
"""
from __future__ import annotations

from collections.abc import Generator
from pathlib import Path

import pytest

from simulator import Sandbox
from simulator.testing.attachments import ScenarioAttachments, sandbox_outputs, scenario_folder
from simulator.testing.html_extras import html_extras
from simulator.testing.reports import ATTACHMENTS

JUNIT_PROPERTY = "attachment"


class BddReports:
    def __init__(self, out: Path) -> None:
        self.out = out
        self.captured: dict[str, ScenarioAttachments] = {}
        """nodeid -> what the test's sandbox left behind."""

    def capture(self, item: pytest.Item, sandbox: Sandbox) -> None:
        captured = ScenarioAttachments(scenario_folder(ATTACHMENTS, item.nodeid), sandbox_outputs(sandbox))
        captured.write(self.out)
        self.captured[item.nodeid] = captured
        item.user_properties.extend((JUNIT_PROPERTY, captured.path_of(each.name)) for each in captured.attachments)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item) -> Generator[None, pytest.TestReport, pytest.TestReport]:
        report = yield
        captured = self.captured.get(item.nodeid)
        if report.when == "teardown" and captured is not None:
            # pytest-html reads `extras`, an attribute TestReport does not declare.
            setattr(report, "extras", [*getattr(report, "extras", []), *html_extras(captured)])  # noqa: B010
        return report
