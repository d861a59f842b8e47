"""`bakkt-sim sweep` and `bakkt-sim shrink` (CONTRACT 17).

Each command imports the replay engine (and the sandbox behind it) when it
runs, so `bakkt-sim --help` lists them without that half a second.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from simulator.console import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_PASSED, echo, stop
from simulator.sweep.model import DEFAULT_TIMEOUT_S, FAULT_MODES, SWEEP_FILE, Placement, RunSpec, SweepArguments

if TYPE_CHECKING:
    from simulator.replay.scenario import Scenario
    from simulator.sweep.execute import ScenarioSource

SHOWN_SIGNATURES = 10


def scenario_source(ctx: click.Context, path: Path) -> ScenarioSource:
    # imported here, not at the top: `bakkt-sim --help` loads none of it
    from simulator.replay import ScenarioError
    from simulator.replay.source import read_yaml
    from simulator.sweep.execute import ScenarioSource

    try:
        source = ScenarioSource(str(path), read_yaml(path))
        source.scenario(())
    except ScenarioError as exc:
        stop(ctx, f"invalid scenario: {exc}")
    return source


def checked_scenario(ctx: click.Context, source: ScenarioSource, point: tuple[str, ...]) -> Scenario:
    """The scenario with `point`'s `--set` assignments; a bad one stops the command before any run."""
    # imported here, not at the top: `bakkt-sim --help` loads none of it
    from simulator.replay import ScenarioError
    from simulator.sweep.plan import OverrideError

    try:
        return source.scenario(point)
    except OverrideError as exc:
        stop(ctx, str(exc))
    except ScenarioError as exc:
        stop(ctx, f"invalid scenario (after --set {', '.join(point)}): {exc}")


@click.command("sweep")
@click.argument("scenario", metavar="SCENARIO.yaml", type=click.Path(path_type=Path))
@click.option("--runs", type=int, default=None, help="Seeds 1..N.  [default: 100]")
@click.option("--seeds", metavar="A-B", default=None, help="Seeds A..B, both included (instead of --runs).")
@click.option("--faults", type=click.Choice(FAULT_MODES), default="none", show_default=True,
              help="random: each run draws its fault profile from its seed, as `replay --faults random` does.")
@click.option("--vary", "varies", metavar="PATH=V1,V2,...", multiple=True,
              help="Run every seed with each value of PATH (a dotted path into the scenario, as for "
              "`replay --set`). Repeatable: the runs cover every combination.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Worker processes of a local Dask cluster.  [default: the cores]")
@click.option("--scheduler", metavar="ADDRESS", default=None,
              help="Use an existing Dask cluster (tcp://host:8786) instead of a local one; its workers "
              "must have this bakkt-sandbox release installed.")
@click.option("--out", metavar="DIR", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Sweep folder. Default: reports/<scenario name>-sweep/. It is cleared first, so it must be "
              "missing, empty, or an earlier sweep.")
@click.option("--keep-failures", metavar="K", type=click.IntRange(min=0), default=3, show_default=True,
              help="Keep the whole report of the first K failing runs of each signature under failures/.")
@click.option("--shrink", "shrink_them", is_flag=True,
              help="Shrink each signature's smallest failing run to a minimal scenario (failures/<signature>/min.yaml).")
@click.option("--command", metavar="CMD", default=None,
              help="Run your own client instead of the scenario's steps: each run starts a fresh `serve` with the "
              "run's seed, faults, market and clients, then runs CMD with BAKKT_API, AWS_ENDPOINT_URL and the other "
              "variables the README lists set; it passes when CMD exits 0.")
@click.option("--timeout", metavar="S", type=click.FloatRange(min=0, min_open=True), default=None,
              help=f"With --command: seconds CMD may take.  [default: {DEFAULT_TIMEOUT_S:g}]")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar; print the summary only when a run fails.")
@click.pass_context
def sweep_command(
    ctx: click.Context,
    scenario: Path,
    runs: int | None,
    seeds: str | None,
    faults: str,
    varies: tuple[str, ...],
    workers: int | None,
    scheduler: str | None,
    out: Path | None,
    keep_failures: int,
    shrink_them: bool,
    command: str | None,
    timeout: float | None,
    quiet: bool,
) -> None:
    """Run a scenario over many seeded worlds and report which ones fail, and how.

    Each run is `bakkt-sim replay SCENARIO.yaml --seed S [--faults random]
    [--set PATH=V]...` (the results print that command for every run). A run
    fails on a failed expectation, or on a broken invariant: the sandbox checks
    itself after every run (coin and cash conserved, closed batches terminal,
    settlement files consistent, queue deliveries equal to the journal, no
    5xx), and a broken one is a sandbox bug. Failures are grouped by signature
    (where and what, values stripped), each with its smallest failing seed.

    The folder gets sweep.json, runs.jsonl, report.html (open it in a
    browser), failures/<signature>/<run>/ and run-info.json. The same
    arguments give the same bytes, run-info.json aside, whatever the workers.

    \b
    Exit status:
      0    every run passed
      1    a run failed
      2    invalid input, or the --scheduler cannot be used
      130  interrupted (Ctrl-C); what finished is written
    """
    # imported here, not at the top: `bakkt-sim --help` loads none of it
    from simulator.replay import ReportDirError, check_out_dir
    from simulator.sweep.grid import SweepInputError, grid_points, parse_vary, run_specs, seeds_of

    if workers is not None and scheduler is not None:
        raise click.UsageError("--workers and --scheduler cannot be used together: pick one.", ctx)
    if timeout is not None and command is None:
        raise click.UsageError("--timeout applies to --command only.", ctx)
    if shrink_them and command is not None:
        raise click.UsageError("--shrink cannot be used with --command: CMD's runs send no scenario steps to remove.", ctx)
    source = scenario_source(ctx, scenario)
    try:
        seed_range = seeds_of(runs, seeds)
        parsed = tuple(parse_vary(text) for text in varies)
    except SweepInputError as exc:
        stop(ctx, str(exc))
    try:
        points = grid_points(parsed)
    except SweepInputError as exc:
        stop(ctx, str(exc))
    name = [checked_scenario(ctx, source, point) for point in points][0].name
    target = out if out is not None else Path("reports") / f"{name}-sweep"
    try:
        check_out_dir(target, SWEEP_FILE)
    except ReportDirError as exc:
        stop(ctx, f"--out: {exc}")
    arguments = SweepArguments(
        scenario=str(scenario), name=name, seeds=seed_range, faults=faults, varies=parsed,
        keep_failures=keep_failures, command=command,
        timeout=(timeout or DEFAULT_TIMEOUT_S) if command is not None else None,
        shrink=shrink_them, points=tuple(points),
    )
    from simulator.sweep.cluster import ClusterError  # Dask loads in half a second: only for a sweep
    from simulator.sweep.driver import run_sweep

    try:
        summary, complete = run_sweep(arguments, source, run_specs(seed_range, points, faults), target,
                                      Placement(workers, scheduler), quiet)
    except ClusterError as exc:
        stop(ctx, str(exc))
    except (ReportDirError, OSError) as exc:
        stop(ctx, f"--out: cannot write the sweep: {exc}")
    failed = summary["totals"]["failed"]
    if not quiet or failed or not complete:
        echo(render_sweep_summary(summary, target))
    if not complete:
        ctx.exit(EXIT_INTERRUPTED)
    ctx.exit(EXIT_FAILED if failed else EXIT_PASSED)


def render_sweep_summary(summary: dict[str, Any], out: Path) -> str:
    totals, kinds = summary["totals"], summary["kinds"]
    by_kind = ", ".join(f"{kind} {count}" for kind, count in kinds.items() if count)
    lines = [
        f"{summary['name']}: {totals['runs']} runs, {totals['passed']} passed, {totals['failed']} failed"
        + (f" ({by_kind})" if by_kind else ""),
    ]
    if not summary["complete"]:
        lines.append("interrupted: only the runs that finished are counted")
    for group in summary["failures"][:SHOWN_SIGNATURES]:
        lines.append(f"  {group['runs']:>6} runs  {group['kind']:<11} {group['signature']}")
        lines.append(f"               smallest: {group['reproduce']}")
        if group["shrunk"]:
            lines.append(f"               shrunk:   {out / group['shrunk']}")
    hidden = len(summary["failures"]) - SHOWN_SIGNATURES
    if hidden > 0:
        lines.append(f"  ... and {hidden} more signatures in {out / SWEEP_FILE}")
    lines.append(f"report: {out / 'report.html'}")
    return "\n".join(lines)


@click.command("shrink")
@click.argument("scenario", metavar="SCENARIO.yaml", type=click.Path(path_type=Path))
@click.option("--seed", type=int, required=True, help="The failing run's seed.")
@click.option("--faults", type=click.Choice(FAULT_MODES), default="none", show_default=True,
              help="As the failing run had it.")
@click.option("--set", "sets", metavar="PATH=V", multiple=True, help="As the failing run had them; repeatable.")
@click.option("--signature", metavar="SIG", default=None,
              help="Which failure to keep (as sweep.json names it).  [default: the run's first]")
@click.option("--out", metavar="FILE", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where to write the smallest scenario.  [default: SCENARIO.min.yaml]")
@click.pass_context
def shrink_command(
    ctx: click.Context, scenario: Path, seed: int, faults: str, sets: tuple[str, ...], signature: str | None,
    out: Path | None,
) -> None:
    """Cut a failing run down to the steps and expectations its failure needs.

    Removes steps and expectation entries (delta debugging) while the same
    failure, by signature, still happens, and writes the smallest such
    scenario, --set values written in. It replays to that failure with
    `bakkt-sim replay SCENARIO.min.yaml --seed S [--faults random]`.

    \b
    Exit status:
      0  the smallest scenario is written
      2  invalid input, or the run does not fail (with --signature: not that way)
    """
    # imported here, not at the top: `bakkt-sim --help` loads none of it
    from simulator.sweep.execute import captured_logs
    from simulator.sweep.shrink import NothingToShrink, dump_scenario, shrink

    source = scenario_source(ctx, scenario)
    checked_scenario(ctx, source, sets)
    target = out if out is not None else scenario.with_name(f"{scenario.name.removesuffix('.yaml')}.min.yaml")
    try:
        with captured_logs():
            result = shrink(source, seed, faults, sets, signature)
    except NothingToShrink as exc:
        stop(ctx, str(exc))
    try:
        target.write_text(dump_scenario(result.document), encoding="utf-8")
    except OSError as exc:
        stop(ctx, f"--out: cannot write {target}: {exc}")
    echo(f"{result.signature}: {result.steps[0]} steps -> {result.steps[1]}, "
         f"{result.expectations[0]} expectations -> {result.expectations[1]} ({result.tries} runs)")
    echo(f"written: {target}")
    echo(f"replay:  {RunSpec(seed, faults).replay_command(str(target))}  (fails at {result.signature_now})")
