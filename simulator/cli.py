"""The `bakkt-sim` command line: a click group, one command per mode.

Each command imports what it runs when it runs, so `bakkt-sim --help` starts
without the sandbox, the replay engine and matplotlib.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import click

from simulator import DEFAULT_SEED, DEFAULT_START
from simulator.console import EXIT_FAILED, EXIT_PASSED, echo, stop
from simulator.engine.gc_pause import skip_collections_at_exit
from simulator.sweep.cli import shrink_command, sweep_command
from simulator.sweep.model import FAULT_MODES

if TYPE_CHECKING:
    from simulator.replay.scenario import Scenario

skip_collections_at_exit()


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
@click.option(
    "-q",
    "--quiet",
    is_flag=True,
    help="Print nothing when every expectation holds; print the summary only when one fails. "
    "No progress bar. The exit status does not change.",
)
@click.option(
    "-v",
    "--verbose",
    is_flag=True,
    help="Log each call to stderr as it runs (simulated time, where in the scenario, "
    "status, method, path), instead of the progress bar.",
)
@click.option(
    "--faults",
    type=click.Choice(FAULT_MODES),
    default="none",
    show_default=True,
    help="random: draw a fault profile from the seed (queue duplicates and delays, S3 upload failures, "
    "fill latency, volatility and spread, provider outages in windows) and apply it through the control API.",
)
@click.option(
    "--set",
    "sets",
    metavar="PATH=V",
    multiple=True,
    help="Change the scenario before it runs: PATH is a dotted path into the file "
    "(market.BTCUSD.volatility=0.9, steps.0.at=...), V a YAML scalar. Repeatable.",
)
@click.pass_context
def replay(
    ctx: click.Context,
    scenario: Path,
    seed: int | None,
    out: Path | None,
    quiet: bool,
    verbose: bool,
    faults: str,
    sets: tuple[str, ...],
) -> None:
    """Run a scenario in simulated time and write a report folder.

    A scenario (see scenarios/quickstart.yaml) sets up the market and
    clients, makes requests in order, moves the clock, and lists what must
    hold. The report folder gets report.html (open it in a browser),
    summary.json, events.jsonl, requests.jsonl, files/, emails/ and
    run-info.json. A short summary is printed to stdout at the end.

    While it runs on an interactive terminal, a progress bar on stderr shows
    the step reached and its simulated time, then the report being written;
    pipes and CI logs (the CI variable set) get none. --quiet hides it;
    --verbose logs every call instead.

    \b
    Exit status:
      0  every expectation held
      1  an expectation failed (each one is printed: expected beside actual),
         the run sent an email no mail system would (it gets no .eml), or
         the sandbox broke one of its own invariants (a sandbox bug)
      2  the scenario is invalid (the message names the file and the key),
         or the options are wrong (for example --quiet with --verbose, or a
         --set path the scenario does not have)

    --seed, --faults and --set together name one seeded world: the same
    options give the same report bytes, and summary.json records --faults
    and --set when they are given. A random fault profile covers the symbols
    of the scenario's `market:` section, and its outages fall within the
    instants the scenario's steps advance to.
    """
    from simulator.replay import ReportDirError, ScenarioError, check_out_dir, render_summary, run_scenario, write_report
    from simulator.replay.terminal import Verbosity, replay_display
    from simulator.sweep.plan import OverrideError, load_with_overrides, parse_override, run_extras

    if quiet and verbose:
        raise click.UsageError("--quiet and --verbose cannot be used together: pick one.", ctx)
    verbosity = Verbosity.QUIET if quiet else Verbosity.VERBOSE if verbose else Verbosity.NORMAL
    try:
        overrides = [parse_override(text) for text in sets]
    except OverrideError as exc:
        stop(ctx, str(exc))
    try:
        loaded = load_with_overrides(scenario, overrides)
    except OverrideError as exc:
        stop(ctx, str(exc))
    except ScenarioError as exc:
        changed = f" (after --set {', '.join(sets)})" if sets else ""
        stop(ctx, f"invalid scenario{changed}: {exc}")
    run_seed = loaded.seed if seed is None else seed
    extras = run_extras(loaded, run_seed, faults, overrides)
    target = out if out is not None else Path("reports") / loaded.name
    try:
        check_out_dir(target)
    except ReportDirError as exc:
        stop(ctx, f"--out: {exc}")
    with replay_display(loaded, verbosity, sys.stderr, os.environ) as display:
        result = run_scenario(loaded, seed=seed, progress=display.progress, extras=extras)
        display.writing_report(target)
        try:
            write_report(result, target)
        except (ReportDirError, OSError) as exc:
            stop(ctx, f"--out: cannot write the report: {exc}")
    if verbosity is not Verbosity.QUIET or not result.passed:
        echo(render_summary(result, target))
    ctx.exit(EXIT_PASSED if result.passed else EXIT_FAILED)


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on. Any address but loopback needs --admin-token.")
@click.option("--port", type=click.IntRange(0, 65535), default=8080, show_default=True, help="API port; 0 picks a free one.")
@click.option("--seed", type=int, default=None,
              help=f"Root seed for prices and ids.  [default: {DEFAULT_SEED}, or the one --db was created with]")
@click.option("--start", metavar="ISO", default=None, help=f"Simulated start instant.  [default: {DEFAULT_START}, or --db's]")
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
@click.option("--record", metavar="FILE", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write every request and its answer to FILE as a scenario; `bakkt-sim replay FILE` "
              "reproduces them. An existing FILE is overwritten only if an earlier --record wrote it. "
              "Cannot be combined with a --db file that already holds commands.")
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
    record: Path | None,
) -> None:
    """Serve the sandbox's HTTP API, its embedded AWS and its streams on real sockets.

    When ready, prints one JSON line to stdout:

    \b
      {"api": "http://127.0.0.1:8080", "aws": "http://127.0.0.1:PORT", "region": "us-east-1",
       "stream": "ws://127.0.0.1:PORT2"}

    Point any HTTP client at `api`, and boto3 or the AWS CLI at `aws` (endpoint
    URL; any access key works) to read the event queue and the files. `stream`
    serves the WebSocket streams that GET /apex-crypto/api/v2/config names
    (live quotes, order entry events). Stop with Ctrl-C or SIGTERM.
    """
    from simulator.replay import ScenarioError
    from simulator.server import ServeError, ServeOptions, serve

    try:
        options = ServeOptions(host, port, seed, start, clock, speed, db, setup, ready_file, admin_token, record)
        ctx.exit(serve(options))
    except (ServeError, ScenarioError) as exc:
        stop(ctx, f"serve: {exc}")


@main.command()
@click.option("--detail", metavar="FILE", required=True, type=click.Path(path_type=Path),
              help="A settlement detail file as the sandbox writes it (eod_settlement/...settlement_detail.csv).")
@click.option("--ledger", metavar="FILE", required=True, type=click.Path(path_type=Path),
              help="Your execution ledger: CSV with the header "
              "`Client Order ID,Execution ID,Side,Symbol,Quantity,Price`.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text: a header and one line per break. json: the same as one JSON document.")
@click.pass_context
def reconcile(ctx: click.Context, detail: Path, ledger: Path, output_format: str) -> None:
    """Compare your execution ledger with a settlement detail file.

    Executions are matched by Execution ID. A break is an execution missing
    on either side, or one whose Client Order ID, Side, Symbol, Quantity or
    Price differs (decimals compare by value: 0.50 equals 0.5). Breaks are
    listed sorted by Execution ID, with the line of each file to look at.
    Cash adjustment rows of the detail file (Side DEPOSIT or WITHDRAWAL,
    Symbol USD) are not executions: they are counted and skipped.

    \b
    Exit status:
      0  no break
      1  at least one break (each one is printed)
      2  a file cannot be read (the message names the file, the line and the column)
    """
    from simulator.reconcile import ReconcileInputError, reconcile_files, render_json, render_text

    try:
        result = reconcile_files(detail, ledger)
    except ReconcileInputError as exc:
        stop(ctx, f"reconcile: {exc}")
    echo(render_json(result) if output_format == "json" else render_text(result))
    ctx.exit(EXIT_FAILED if result.breaks else EXIT_PASSED)


@main.command("statement")
@click.option("--client", "client_id", metavar="ID", required=True, help="The client the account belongs to.")
@click.option("--account", metavar="ID", required=True, help="The investor account.")
@click.option("--year", type=click.IntRange(1970, 9998), required=True, help="The calendar year in Chicago.")
@click.option("--scenario", metavar="SCENARIO.yaml", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None, help="Replay this scenario in simulated time first, then read the statement.")
@click.option("--seed", type=int, default=None, help="With --scenario: overrides the scenario's `seed:`.")
@click.option("--api", metavar="URL", default=None, help="Ask a running `bakkt-sim serve` at this base URL instead.")
@click.option("--admin-token", metavar="TOKEN", default=None, help="With --api: the X-Admin-Token the server requires.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text: sales, gift income, open lots and totals. json: the control API's answer.")
@click.pass_context
def statement_command(
    ctx: click.Context,
    client_id: str,
    account: str,
    year: int,
    scenario: Path | None,
    seed: int | None,
    api: str | None,
    admin_token: str | None,
    output_format: str,
) -> None:
    """Print an investor's year-end profit and loss (FIFO lots, gifts as income).

    The sandbox's state lives in a sandbox, so give exactly one source:
    --scenario replays a scenario offline and reads the statement at the
    end of its last step; --api asks a running server
    (GET /sandbox/v1/clients/ID/accounts/ID/statement?year=YYYY).

    \b
    Exit status:
      0  the statement was printed
      2  no or two sources, an invalid scenario, an unreachable server or
         one that answers no statement, or an unknown client or account
         (the message says which)
    """
    from http.client import HTTPException

    from pydantic import ValidationError

    from simulator.api.response_schemas import StatementAnswer
    from simulator.replay import ScenarioError, load_scenario
    from simulator.service.statements import render_text as render_statement

    if (scenario is None) == (api is None):
        stop(ctx, "statement: give exactly one of --scenario or --api")
    path = f"/sandbox/v1/clients/{path_segment(client_id)}/accounts/{path_segment(account)}/statement"
    if scenario is not None:
        try:
            status, answer = replay_then_get(load_scenario(scenario), seed, path, {"year": str(year)})
        except ScenarioError as exc:
            stop(ctx, f"invalid scenario: {exc}")
    else:
        assert api is not None
        try:
            status, answer = http_get(f"{api.rstrip('/')}{path}?year={year}", admin_token)
        except (OSError, ValueError, HTTPException) as exc:
            stop(ctx, f"statement: cannot reach {api}: {exc}")
    if status != 200:
        stop(ctx, f"statement: {status} {answer.get('message', answer) if isinstance(answer, dict) else answer}")
    try:
        StatementAnswer.model_validate(answer)
    except ValidationError as exc:
        stop(ctx, f"statement: the answer is not a statement: {exc.errors()[0]['msg']}")
    echo(json.dumps(answer, indent=2) if output_format == "json" else render_statement(answer), nl=output_format == "json")


def path_segment(text: str) -> str:
    """`text` percent-encoded as one path segment; an argument that was not UTF-8
    (Python holds its bytes as surrogates) is sent as those very bytes."""
    return quote(text, safe="", errors="surrogateescape")


def replay_then_get(scenario: Scenario, seed: int | None, path: str, query: dict[str, str]) -> tuple[int, Any]:
    """Run the scenario's setup and steps in a fresh sandbox, then one control GET."""
    from simulator.replay.runner import ScenarioRunner
    from simulator.replay.substitution import Substitution
    from simulator.sandbox import Sandbox

    chosen = scenario.seed if seed is None else seed
    with Sandbox(seed=chosen, start=scenario.start, aws="memory", base_url=None) as sandbox:
        runner = ScenarioRunner(scenario, sandbox.runtime, Substitution(chosen))
        runner.setup()
        for step in scenario.steps:
            runner.run_step(step)
        response = sandbox.call("GET", path, query=query)
        return response.status, response.json()


def http_get(url: str, admin_token: str | None) -> tuple[int, Any]:
    """A GET with the standard library: an error status still carries the JSON body.

    Raises OSError when the server cannot be reached, ValueError for a URL
    urllib cannot use or an answer that is not JSON, HTTPException for an
    answer that is not HTTP.
    """
    from urllib.error import HTTPError  # http.client and email load in 20 ms: for --api only
    from urllib.request import Request, urlopen

    headers = {"X-Admin-Token": admin_token} if admin_token else {}
    try:
        with urlopen(Request(url, headers=headers), timeout=30) as response:
            status, body = response.status, response.read()
    except HTTPError as exc:
        status, body = exc.code, exc.read()
    try:
        return status, json.loads(body or b"null")
    except ValueError:
        raise ValueError(f"it answered {status} with a body that is not JSON") from None


main.add_command(sweep_command)
main.add_command(shrink_command)
