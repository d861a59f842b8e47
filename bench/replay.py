"""Replay time of scenarios/quickstart.yaml and of a 10,000-allocation scenario, report writing included.

Each replay is timed as `bakkt-sim replay` spends it: loading the YAML, the
run itself split as `run_scenario` measures it (setup: the sandbox, the
market, clients and accounts; the steps; the expectations), then
`write_report`, timed apart, with whatever the report folder holds. Each
column is the median of its own over the repetitions.

The large scenario is generated: one NET_SETTLEMENT client with 10,000
investors, one NOTIONAL batch allocating to each of them (a third selling),
the close, and an advance past the fill and the next 09:00 CT cutoff, so the
report holds 10,000-row settlement files and 20,000 emails (a confirmation
and a daily summary for each investor). Issue 12 asks for its total (load,
replay and report) in at most 12 s.

The columns are wall seconds, but `cpu`: this process's own CPU seconds
over the total. On a shared machine the wall time also holds other
processes' turns; the two apart tell a slow run from a busy machine. The
report folder goes under the system's temporary folder: set TMPDIR to
measure another disk (a tmpfs such as /dev/shm leaves the disk out).
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from _common import peak_rss_mb

from simulator.replay import load_scenario, render_summary, run_scenario, write_report

QUICKSTART = Path(__file__).resolve().parents[1] / "scenarios" / "quickstart.yaml"
BATCHES = "/apex-crypto/api/v2/allocation/trade/batch"
COLUMNS = ("load", "setup", "steps", "expectations", "replay", "report", "total", "cpu")


def allocation_step(n: int) -> str:
    side = "SELL" if n % 3 == 0 else "BUY"
    return (
        f"  - as: acme\n"
        f"    request: {{method: POST, path: {BATCHES}/allocate, body: {{batchTransactionId: \"${{uuid:b}}\", "
        f"clientTransactionId: \"${{uuid:a{n}}}\", account: INV{n + 1:05d}, side: {side}, symbol: BTCUSD, "
        f"amount: \"{10 + n % 90}.00\"}}}}\n"
    )


def large_scenario(allocations: int) -> str:
    """The YAML of one batch allocating to `allocations` investors, through the cutoff."""
    head = f"""\
version: 1
name: allocations-{allocations}
seed: 1
start: "2026-03-02T14:00:00Z"
market:
  BTCUSD: {{price: "43000.00", volatility: 0, spreadBps: 10}}
clients:
  acme:
    fundingModel: NET_SETTLEMENT
    financeEmails: [finance@acme.test]
    accounts:
      - {{count: {allocations}, prefix: INV, holdings: {{BTC: "0.5"}}}}
steps:
  - at: "2026-03-02T15:30:00Z"
    as: acme
    request: {{method: POST, path: {BATCHES}/open, body: {{batchTransactionId: "${{uuid:b}}", symbol: BTCUSD, type: NOTIONAL}}}}
    expect: {{status: 200, body: {{status: OPEN}}}}
"""
    tail = f"""\
  - as: acme
    request: {{method: POST, path: {BATCHES}/close, body: {{batchTransactionId: "${{uuid:b}}", allocations: {allocations}}}}}
    expect: {{status: 200, body: {{status: CLOSED}}}}
  - advance: {{to: "2026-03-03T15:00:01Z"}}
  - as: acme
    request: {{method: GET, path: "{BATCHES}/${{uuid:b}}"}}
    expect: {{status: 200, body: {{status: COMPLETE}}}}
expect:
  events:
    - {{client: acme, event_type: allocation/batch/1, match: {{status: COMPLETE, request: {{type: NOTIONAL}}}}, count: 1}}
    - {{client: acme, match: {{status: COMPLETE, request: {{side: SELL}}}}, count: {(allocations + 2) // 3}}}
  files:
    - {{client: acme, key: eod_settlement/2026-03-03settlement_summary.csv, contains: ["Net Settlement,"]}}
  emails:
    - {{client: acme, to: finance@acme.test, subject_contains: Net settlement, count: 2}}
"""
    return head + "".join(allocation_step(n) for n in range(allocations)) + tail


def folder_mb(folder: Path) -> float:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file()) / 1e6


def replay_once(path: Path, out: Path) -> dict[str, float]:
    """Seconds per phase of one replay; stops the benchmark if an expectation fails."""
    began, cpu_began = time.perf_counter(), time.process_time()
    scenario = load_scenario(path)
    loaded = time.perf_counter()
    result = run_scenario(scenario)
    replayed = time.perf_counter()
    write_report(result, out)
    written = time.perf_counter()
    if not result.passed:
        raise SystemExit(render_summary(result, out))
    phases = {phase: result.durations[phase] for phase in ("setup", "steps", "expectations")}
    return {
        "load": loaded - began,
        **phases,
        "replay": replayed - loaded,
        "report": written - replayed,
        "total": written - began,
        "cpu": time.process_time() - cpu_began,
    }


def median_replay(path: Path, out: Path, runs: int) -> dict[str, float]:
    timings = [replay_once(path, out) for _ in range(runs)]
    return {column: statistics.median(timing[column] for timing in timings) for column in COLUMNS}


def table(rows: dict[str, tuple[int, dict[str, float], float]]) -> str:
    header = f"{'scenario':<22}{'runs':>5}" + "".join(f"{column:>13}" for column in COLUMNS) + f"{'report MB':>11}"
    lines = [header]
    for name, (runs, timing, size) in rows.items():
        cells = "".join(f"{timing[column]:>13.3f}" for column in COLUMNS)
        lines.append(f"{name:<22}{runs:>5}{cells}{size:>11.1f}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--allocations", type=int, default=10_000, help="allocations of the generated scenario")
    parser.add_argument("--repeat", type=int, default=5, help="replays of quickstart.yaml")
    parser.add_argument("--large-repeat", type=int, default=1, help="replays of the generated scenario")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bakkt-bench-replay-") as scratch:
        root = Path(scratch)
        large = root / "large.yaml"
        large.write_text(large_scenario(options.allocations), encoding="utf-8")
        rows: dict[str, tuple[int, dict[str, float], float]] = {}
        for name, path, runs in (
            ("quickstart", QUICKSTART, options.repeat),
            (f"{options.allocations:,} allocations", large, options.large_repeat),
        ):
            out = root / path.stem
            rows[name] = (runs, median_replay(path, out, runs), folder_mb(out))
    print("wall seconds per phase (cpu: this process's CPU seconds over the total), each the median over the runs")
    print(table(rows))
    print("target (issue 12): the total of 10,000 allocations at most 12 s")
    print(f"peak RSS {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
