"""One report whatever ran the tests: node id order (a seed by its number), no worker names.

pytest's JUnit writer and pytest-html list tests as their reports arrive,
which under pytest-xdist is whichever worker finished first. When both have
written their files, the tests in them are put in node id order, so the
folder's content does not depend on `-n`; everything else in the files is
left as the writers made it. pytest-html also starts each row's log with
the line naming the worker (`[gw0] linux -- Python ...`, which a report
from a worker prints first); its own hook for a row's log takes it out.
"""
from __future__ import annotations

import html
import json
import re
from collections.abc import Generator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from _pytest.reports import getworkerinfoline
from markupsafe import escape

from simulator.testing.runs import SEED_ID

SEEDED = re.compile(rf"{SEED_ID}(-?\d+)\]$")
XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>'
"""What pytest's junitxml writes before the document."""
NO_LOG = "No log output captured."
"""What pytest-html shows for a row without any log."""
HTML_DATA = re.compile(r'(id="data-container" data-jsonblob=")([^"]*)(")')
"""Where pytest-html keeps its tests: JSON, escaped by its template's autoescape (markupsafe)."""


def seed_of(nodeid: str) -> int | None:
    match = SEEDED.search(nodeid)
    return None if match is None else int(match[1])


def node_order(nodeid: str) -> tuple[str, int]:
    """Node ids as text, except that seeds of one test sort by number: seed 2 before seed 10."""
    match = SEEDED.search(nodeid)
    return (nodeid, 0) if match is None else (nodeid[: match.start()], int(match[1]))


class ReportOrder:
    def __init__(self, junit_xml: Path, report_html: Path) -> None:
        self.junit_xml = junit_xml
        self.report_html = report_html

    @pytest.hookimpl(wrapper=True)
    def pytest_sessionfinish(self) -> Generator[None, None, None]:
        """After every writer's own `pytest_sessionfinish`."""
        yield
        order_junit(self.junit_xml)
        order_html(self.report_html)

    def pytest_html_results_table_html(self, report: pytest.TestReport, data: list[str]) -> None:
        """`data` is the row's log, its first part the report's text (escaped) when it has one."""
        node = getattr(report, "node", None)
        if node is None or not data:
            return
        worker = str(escape(getworkerinfoline(node)))  # type: ignore[no-untyped-call]  # pytest leaves it unannotated
        if data[0].startswith(worker):
            rest = data[0][len(worker) :].lstrip("\n")
            data[0:1] = [rest] if rest.strip() else []
            data[:] = data or [NO_LOG]


def order_junit(path: Path) -> None:
    root = ElementTree.parse(path).getroot()
    for suite in root.iter("testsuite"):
        cases = suite.findall("testcase")
        for case in cases:
            suite.remove(case)
        suite.extend(sorted(cases, key=lambda case: node_order(f"{case.get('classname')}::{case.get('name')}")))
    path.write_text(XML_DECLARATION + ElementTree.tostring(root, encoding="unicode"), encoding="utf-8")


def order_html(path: Path) -> None:
    page = path.read_text(encoding="utf-8")
    found = HTML_DATA.search(page)
    if found is None:
        raise ValueError(f"{path}: pytest-html's data-container is missing; is pytest-html 4 installed?")
    data: dict[str, Any] = json.loads(html.unescape(found[2]))
    data["tests"] = dict(sorted(data["tests"].items(), key=lambda item: node_order(item[0])))
    blob = str(escape(json.dumps(data)))
    path.write_text(page[: found.start(2)] + blob + page[found.end(2) :], encoding="utf-8")
