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
from simulator.server import ServeError, ServeOptions, serve

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


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on. Any address but loopback needs --admin-token.")
@click.option("--port", type=click.IntRange(0, 65535), default=8080, show_default=True, help="API port; 0 picks a free one.")
@click.option("--seed", type=int, default=None, help="Root seed for prices and ids.  [default: 0, or the one --db was created with]")
@click.option("--start", metavar="ISO", default=None, help="Simulated start instant.  [default: 2026-01-05T14:00:00Z, or --db's]")
@click.option("--clock", type=click.Choice(["manual", "realtime"]), default="realtime", show_default=True,
              help="realtime: simulated time follows the wall clock times --speed. manual: it moves only on "
              "POST /sandbox/v1/clock/advance.")
@click.option("--speed", type=click.FloatRange(min=0, min_open=True), default=1.0, show_default=True,
              help="Simulated seconds per wall second, with --clock realtime.")
@click.option("--db", metavar="PATH", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Keep state in this SQLite file: what was acknowledged survives a crash and a restart.")
@click.option("--setup", metavar="SCENARIO.yaml", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Apply a scenario's market and clients before serving (not when --db resumes).")
@click.option("--ready-file", metavar="PATH", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the ready line (JSON with the api and aws URLs) to this file.")
@click.option("--admin-token", metavar="TOKEN", default=None,
              help="Require this X-Admin-Token header on every /sandbox/v1 control call.")
@click.pass_context
def serve_command(
    ctx: click.Context,
    host: str,
    port: int,
    seed: int | None,
    start: str | None,
    clock: str,
    speed: float,
    db: Path | None,
    setup: Path | None,
    ready_file: Path | None,
    admin_token: str | None,
) -> None:
    """Serve the sandbox's HTTP API and its embedded AWS on real sockets.

    When ready, prints one JSON line to stdout:

    \b
      {"api": "http://127.0.0.1:8080", "aws": "http://127.0.0.1:PORT", "region": "us-east-1"}

    Point any HTTP client at `api`, and boto3 or the AWS CLI at `aws` (endpoint
    URL; any access key works) to read the event queue and the files. Stop with
    Ctrl-C or SIGTERM.
    """
    try:
        options = ServeOptions(host, port, seed, start, clock, speed, db, setup, ready_file, admin_token)
        ctx.exit(serve(options))
    except (ServeError, ScenarioError) as exc:
        stop(ctx, f"serve: {exc}")
