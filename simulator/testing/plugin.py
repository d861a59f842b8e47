"""The pytest plugin (entry point `pytest11`): fixtures and the Gherkin step library.

Installed with the package, so a user's own suite gets `bakkt_sandbox`,
`bakkt_context` and every step phrase without a conftest. The seed and start
come from, first to last: the `Given a sandbox with seed ...` step, the
`bakkt_sandbox(seed=..., start=...)` marker, the `bakkt_seed` and
`bakkt_start` ini options; a run's `--bakkt-seeds` replaces the seed. The
step modules load only where pytest-bdd is installed, so plain pytest
suites keep the fixtures without it.
`--bakkt-report DIR` writes Cucumber JSON, JUnit XML and HTML reports with
each scenario's events and S3 files attached (see `reports`), under
pytest-xdist too. `--bakkt-seeds` and `--bakkt-faults` run each test that
uses the sandbox over many seeded worlds (see `runs`).

Every pytest process of an environment holding the package loads this
plugin and its step modules, pytest-xdist's controller included, which runs
no test: they load the sandbox, boto3 and requests with the first sandbox a
test uses, not before (a test pins it).
"""
from __future__ import annotations

from collections.abc import Generator, Iterator
from importlib.util import find_spec
from typing import TYPE_CHECKING

import pytest

from simulator import DEFAULT_START
from simulator.adapters.naming import REGION
from simulator.engine.gc_pause import skip_collections_at_exit
from simulator.testing.context import BakktContext, SandboxSettings
from simulator.testing.reports import add_option, attach_outputs, configure_reports
from simulator.testing.runs import (
    RUN,
    RunOptions,
    add_options,
    configure_runs,
    end_with_rerun,
    parametrize_seeds,
    run_attachments,
)

skip_collections_at_exit()

if TYPE_CHECKING:
    import boto3

    from simulator import Sandbox

STEP_MODULES = (
    "simulator.testing.steps_setup",
    "simulator.testing.steps_accounts",
    "simulator.testing.steps_batches",
    "simulator.testing.steps_gifts",
    "simulator.testing.steps_orders",
    "simulator.testing.steps_funding",
    "simulator.testing.steps_settlement",
    "simulator.testing.steps_answers",
    "simulator.testing.steps_events",
    "simulator.testing.steps_faults",
    "simulator.testing.steps_reconcile",
    "simulator.testing.steps_invariants",
    "simulator.testing.steps_quotes",
)
MARKER = "bakkt_sandbox"
CONTEXT = pytest.StashKey[BakktContext]()
"""The test's context while its fixture lives, for the report of a failed call."""

pytest_plugins = STEP_MODULES if find_spec("pytest_bdd") is not None else ()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini("bakkt_seed", "root seed of the sandboxes the bakkt fixtures start", default="0")
    parser.addini("bakkt_start", "start instant (ISO-8601, Z) of those sandboxes", default=DEFAULT_START)
    add_option(parser)
    add_options(parser)


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    """First, so the report writers find their paths when they configure themselves."""
    config.addinivalue_line("markers", f"{MARKER}(seed=0, start=ISO): seed and start of the test's sandbox")
    configure_runs(config)
    configure_reports(config)


@pytest.hookimpl(trylast=True)
def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Last, so a seed's id follows an outline example's: `test_x[example-bakkt-seed=3]`."""
    parametrize_seeds(metafunc)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    run = item.stash.get(RUN, None)
    if report.failed and run is not None and run.active:
        context = item.stash.get(CONTEXT, None)
        end_with_rerun(report, item, context.run_summary() if context is not None else "")
    return report


@pytest.fixture
def bakkt_run(request: pytest.FixtureRequest) -> RunOptions:
    """The run's seed (`--bakkt-seeds` parametrizes this fixture; None without it) and fault mode."""
    run = RunOptions(getattr(request, "param", None), request.config.option.bakkt_faults)
    request.node.stash[RUN] = run
    return run


@pytest.fixture
def bakkt_settings(request: pytest.FixtureRequest) -> SandboxSettings:
    """The marker's seed and start where given, else the ini's (a run's seed replaces the seed in
    `bakkt_context`)."""
    marker = request.node.get_closest_marker(MARKER)
    options = marker.kwargs if marker is not None else {}
    seed = options.get("seed", int(request.config.getini("bakkt_seed")))
    start = options.get("start", request.config.getini("bakkt_start"))
    return SandboxSettings(seed=seed, start=start)


@pytest.fixture(scope="session")
def bakkt_aws() -> boto3.session.Session:
    """The boto3 session steps read queues with: any key works against the embedded AWS.
    moto is hooked into botocore first, or the session would reach the real AWS."""
    import boto3

    from simulator.sandbox import hook_boto3_to_moto

    hook_boto3_to_moto()
    return boto3.session.Session(aws_access_key_id="sandbox", aws_secret_access_key="sandbox", region_name=REGION)


@pytest.fixture
def bakkt_context(
    request: pytest.FixtureRequest, bakkt_settings: SandboxSettings, bakkt_aws: boto3.session.Session, bakkt_run: RunOptions
) -> Iterator[BakktContext]:
    """A fresh scenario context; its sandbox stops when the test ends, once the reports have
    what it left behind."""
    context = BakktContext(bakkt_settings, bakkt_aws, bakkt_run)
    request.node.stash[CONTEXT] = context
    yield context
    try:
        attach_outputs(request.node, context.started_sandbox, run_attachments(request.node, context.run_details()))
    finally:
        del request.node.stash[CONTEXT]
        context.close()


@pytest.fixture
def bakkt_sandbox(bakkt_context: BakktContext) -> Sandbox:
    """A started sandbox, the same one the steps of the test use."""
    return bakkt_context.sandbox
