"""The plugin `--bakkt-report` registers where tests run: it captures each test's outputs and attaches them.

Each format gets them its own way: the JUnit XML as `attachment` properties
(paths relative to the report folder), the HTML report as pytest-html
extras on the test's teardown report, the Cucumber JSON from those
properties when the session ends (`cucumber`). All three ride on the test
reports, which pytest-xdist sends from a worker to the controller; the one
thing pytest-bdd keeps beside them, the scenario's steps and results, is
copied onto the call report in a worker (`shipped_scenario`) so the
controller's Cucumber writer gets it too. The files themselves are written
into the report folder by whichever process ran the test.
"""
from __future__ import annotations

from collections.abc import Generator
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from pytest_bdd.reporting import ReportContext, test_report_context_registry

from simulator.testing.attachments import Attachment, ScenarioAttachments, sandbox_outputs, scenario_folder
from simulator.testing.html_extras import html_extras
from simulator.testing.reports import ATTACHMENTS

if TYPE_CHECKING:
    from simulator import Sandbox

JUNIT_PROPERTY = "attachment"
SHIPPED = "bakkt_scenario"
"""The call report's attribute that carries pytest-bdd's report context from a worker."""
CAPTURED = pytest.StashKey[ScenarioAttachments]()


class BddReports:
    def __init__(self, out: Path, shipping: bool) -> None:
        self.out = out
        self.shipping = shipping
        """True in a pytest-xdist worker: the reports travel to the controller."""

    def capture(self, item: pytest.Item, sandbox: Sandbox, extra: tuple[Attachment, ...]) -> None:
        captured = ScenarioAttachments(scenario_folder(ATTACHMENTS, item.nodeid), (*sandbox_outputs(sandbox), *extra))
        captured.write(self.out)
        item.stash[CAPTURED] = captured
        item.user_properties.extend((JUNIT_PROPERTY, captured.path_of(each.name)) for each in captured.attachments)

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_runtest_makereport(self, item: pytest.Item) -> Generator[None, pytest.TestReport, pytest.TestReport]:
        """Outermost, so pytest-bdd has recorded the scenario's report context when this resumes."""
        report = yield
        if report.when == "teardown" and CAPTURED in item.stash:
            # pytest-html reads `extras`, an attribute TestReport does not declare.
            setattr(report, "extras", [*getattr(report, "extras", []), *html_extras(item.stash[CAPTURED])])  # noqa: B010
            del item.stash[CAPTURED]
        context = test_report_context_registry.get(report)
        if self.shipping and context is not None:
            setattr(report, SHIPPED, asdict(context))
        return report


def shipped_scenario(report: pytest.TestReport) -> ReportContext | None:
    """pytest-bdd's report context of a report a worker sent, as the worker had it."""
    shipped: dict[str, Any] | None = getattr(report, SHIPPED, None)
    return None if shipped is None else ReportContext(**shipped)
