"""The `bakkt-sim` command line: a click group, one command per mode."""
from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import click

from simulator.replay import (
    ReportDirError,
    ScenarioError,
    check_out_dir,
    load_scenario,
    render_summary,
    run_scenario,
    write_report,
)

EXIT_PASSED = 0
EXIT_FAILED = 1
EXIT_INVALID = 2


def stop(ctx: click.Context, message: str) -> NoReturn:
    """Usage problems end with exit 2 and one line on stderr, never a traceback."""
    click.echo(message, err=True)
    ctx.exit(EXIT_INVALID)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="bakkt-sandbox", prog_name="bakkt-sim")
def main() -> None:
    """An offline sandbox of a digital-asset brokerage API.

    Everything runs in simulated time from one seed: the same scenario and
    seed give the same ids, prices, events, files and emails, byte for byte.
    Run `bakkt-sim COMMAND --help` for the options of a command.
    """


@main.command()
@click.argument("scenario", metavar="SCENARIO.yaml", type=click.Path(path_type=Path))
@click.option(
    "--seed",
    type=int,
    default=None,
    help="Root seed for prices and ids. Overrides the scenario's `seed:`.",
)
@click.option(
    "--out",
    metavar="DIR",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Report folder. Default: reports/<scenario name>/. It is cleared first, "
    "so it must be missing, empty, or an earlier report.",
)
@click.pass_context
def replay(ctx: click.Context, scenario: Path, seed: int | None, out: Path | None) -> None:
    """Run a scenario in simulated time and write a report folder.

    A scenario (see scenarios/quickstart.yaml) sets up the market and
    clients, makes requests in order, moves the clock, and lists what must
    hold. The report folder gets summary.json, events.jsonl, requests.jsonl,
    files/, emails/ and run-info.json.

    \b
    Exit status:
      0  every expectation held
      1  an expectation failed (each one is printed: expected beside actual)
      2  the scenario is invalid (the message names the file and the key)
    """
    try:
        loaded = load_scenario(scenario)
    except ScenarioError as exc:
        stop(ctx, f"invalid scenario: {exc}")
    target = out if out is not None else Path("reports") / loaded.name
    try:
        check_out_dir(target)
    except ReportDirError as exc:
        stop(ctx, f"--out: {exc}")
    result = run_scenario(loaded, seed=seed)
    write_report(result, target)
    click.echo(render_summary(result, target))
    ctx.exit(EXIT_PASSED if result.passed else EXIT_FAILED)
