"""`--bakkt-report DIR`: Cucumber JSON, JUnit XML and HTML of a run, each scenario's outputs attached.

The three formats come from the tools that already write them (pytest-bdd,
pytest's junitxml, pytest-html), pointed at DIR; the plugin in
`scenario_reports` only adds the attachments. This module is what every run
loads: it registers that plugin, and imports it with pytest-html and
pytest-bdd, only when the option is given, so an ordinary run pays nothing
and a suite without those packages keeps working.

Under pytest-xdist the tests run in the workers and the reports are written
by the controller: each worker captures its tests' attachments into DIR and
sends everything else with the test reports (`scenario_reports`); the
controller alone checks and clears DIR and writes the three files, in an
order that does not depend on which worker finished first (`ordering`).
"""
from __future__ import annotations

import shutil
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from collections.abc import Callable

    from simulator import Sandbox
    from simulator.testing.attachments import Attachment

    Capture = Callable[[pytest.Item, Sandbox, tuple[Attachment, ...]], None]

OPTION = "--bakkt-report"
CUCUMBER_JSON = "cucumber.json"
JUNIT_XML = "junit.xml"
REPORT_HTML = "report.html"
ATTACHMENTS = "attachments"
CAPTURE = pytest.StashKey["Capture"]()
"""Where the fixture finds the capture of the run's reports, when the option is on."""


@dataclass(frozen=True)
class Requirement:
    """A plugin one of the reports is written with, and how a user gets it."""

    plugin: str
    """Its name in pytest's plugin manager, as `-p no:NAME` spells it."""
    module: str
    distribution: str
    install: str
    writes: str


REQUIREMENTS = (
    Requirement("pytest-bdd", "pytest_bdd", "pytest-bdd", "pytest-bdd>=9", CUCUMBER_JSON),
    Requirement("junitxml", "_pytest.junitxml", "pytest", "pytest>=8", JUNIT_XML),
    Requirement("html", "pytest_html", "pytest-html", "pytest-html>=4.1", REPORT_HTML),
)


def add_option(parser: pytest.Parser) -> None:
    parser.getgroup("bakkt").addoption(
        OPTION,
        dest="bakkt_report",
        metavar="DIR",
        default=None,
        help=f"write {CUCUMBER_JSON}, {JUNIT_XML} and {REPORT_HTML} into DIR, each scenario with "
        f"its events and S3 files attached (copies in DIR/{ATTACHMENTS}/). Needs pytest-bdd and "
        "pytest-html; replaces --junitxml and --html. DIR must be new, empty or an earlier report.",
    )


def configure_reports(config: pytest.Config) -> None:
    """Point the three writers at DIR; must run before their own `pytest_configure`. A pytest-xdist
    worker only captures: the controller has checked DIR and writes the reports."""
    folder: str | None = config.option.bakkt_report
    if folder is None:
        return
    out = Path(folder).expanduser().absolute()
    worker = hasattr(config, "workerinput")
    if not worker:
        check_requirements(config)
        if config.option.xmlpath or config.option.htmlpath:
            raise pytest.UsageError(f"{OPTION} writes {JUNIT_XML} and {REPORT_HTML} itself: drop --junitxml and --html")
        prepare(out)
        config.option.bakkt_report = str(out)  # workers get the options as they stand now
    from simulator.testing.scenario_reports import BddReports

    reports = BddReports(out, shipping=worker)
    config.stash[CAPTURE] = reports.capture
    config.pluginmanager.register(reports, "bakkt-report")
    if worker:
        return
    from simulator.testing.cucumber import CucumberJsonWithAttachments
    from simulator.testing.ordering import ReportOrder

    config.pluginmanager.register(CucumberJsonWithAttachments(out / CUCUMBER_JSON, out), "bakkt-cucumber")
    config.pluginmanager.register(ReportOrder(out / JUNIT_XML, out / REPORT_HTML), "bakkt-report-order")
    config.option.xmlpath = str(out / JUNIT_XML)
    config.option.htmlpath = str(out / REPORT_HTML)
    config.option.self_contained_html = True


def check_requirements(config: pytest.Config) -> None:
    for requirement in REQUIREMENTS:
        if config.pluginmanager.hasplugin(requirement.plugin):
            continue
        if find_spec(requirement.module) is None:
            state = f"is not installed: pip install '{requirement.install}'"
        else:
            state = f"is disabled in this run (-p no:{requirement.plugin})"
        raise pytest.UsageError(f"{OPTION} writes {requirement.writes} with {requirement.distribution}, which {state}")


def prepare(out: Path) -> None:
    """Clear the attachments of an earlier report; refuse a folder that holds something else."""
    if out.exists() and not out.is_dir():
        raise pytest.UsageError(f"{OPTION} {out}: exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not (out / CUCUMBER_JSON).is_file():
        raise pytest.UsageError(
            f"{OPTION} {out}: the folder is not empty and holds no {CUCUMBER_JSON} of an earlier report; "
            "refusing to clear it (pick another folder)"
        )
    shutil.rmtree(out / ATTACHMENTS, ignore_errors=True)
    out.mkdir(parents=True, exist_ok=True)


def attach_outputs(item: pytest.Item, sandbox: Sandbox | None, extra: tuple[Attachment, ...]) -> None:
    """Called by the scenario fixture at teardown, after every step, failed scenarios included:
    a no-op unless the option is on and a step started the sandbox. `extra` follows the
    sandbox's outputs (the run's run.json)."""
    capture = item.config.stash.get(CAPTURE, None)
    if capture is not None and sandbox is not None:
        capture(item, sandbox, extra)
