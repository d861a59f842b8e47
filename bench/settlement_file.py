"""The settlement detail file for 1,000,000 executions in one window, streamed
to disk, beside csv.writer writing the same rows (already text) in the same
process. Targets: at least 80% of csv.writer's rate; memory that does not grow
with the row count (the extra memory the writer takes, measured with
tracemalloc at two sizes). The two writers take turns, `--rounds` times, and
each keeps its best time, so a busy moment of a shared machine does not
decide the ratio.
"""
from __future__ import annotations

import argparse
import csv
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

from _common import report

from simulator.domain.fees import Side
from simulator.domain.settlement import SettlementEntry
from simulator.engine.clock import parse_instant
from simulator.engine.streams import seeded_uuid
from simulator.service.settlement import detail_rows, write_detail

START = parse_instant("2026-03-02T15:00:00Z")
END = parse_instant("2026-03-03T15:00:00Z")


def executions(count: int) -> list[SettlementEntry]:
    """`count` executions spread over the window, ten at each instant, with
    amounts and prices that vary from row to row as real windows do."""
    step = (END - START) // (count // 10 + 1)
    return [
        SettlementEntry(
            account=f"INV{n % 100_000 + 1:05d}",
            client_order_id=seeded_uuid(0, f"order-{n}"),
            execution_id=seeded_uuid(0, f"execution-{n}"),
            executed_ns=START + (n // 10) * step,
            side=Side.BUY if n % 3 else Side.SELL,
            symbol="BTC",
            quantity=Decimal(f"0.{n % 99_991 + 10_000:08d}"),
            price=Decimal(f"{43_000 + n % 997}.{n % 100:02d}"),
            notional=Decimal(f"{10 + n % 4_999}.{n % 97:02d}"),
            fee=Decimal(f"0.{n % 89:02d}"),
            from_batch=True,
        )
        for n in range(count)
    ]


def sandbox_seconds(entries: list[SettlementEntry], path: Path) -> float:
    started = time.perf_counter()
    with path.open("w", newline="") as stream:
        write_detail(stream, START, END, entries)
    return time.perf_counter() - started


def csv_writer_seconds(rows: list[list[str]], path: Path) -> float:
    started = time.perf_counter()
    with path.open("w", newline="") as stream:
        csv.writer(stream, lineterminator="\n").writerows(rows)
    return time.perf_counter() - started


def extra_memory_mb(entries: list[SettlementEntry], path: Path) -> float:
    tracemalloc.start()
    with path.open("w", newline="") as stream:
        write_detail(stream, START, END, entries)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--executions", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, default=Path("/tmp/bakkt-bench-detail.csv"))
    parser.add_argument("--rounds", type=int, default=3)
    arguments = parser.parse_args()
    count, out = arguments.executions, arguments.out
    entries = executions(count)
    rows = list(detail_rows(entries))
    baseline = ours = float("inf")
    for _ in range(arguments.rounds):
        baseline = min(baseline, csv_writer_seconds(rows, out))
        ours = min(ours, sandbox_seconds(entries, out))
    del rows
    size_mb = out.stat().st_size / 2**20
    small = extra_memory_mb(entries[: count // 10], out)
    large = extra_memory_mb(entries, out)
    report(
        f"settlement detail file, {count:,} executions in one window ({size_mb:.0f} MB), best of {arguments.rounds}",
        {
            "csv.writer of the same rows, rows/s": f"{count / baseline:,.0f}",
            "sandbox detail file, rows/s": f"{count / ours:,.0f} ({baseline / ours:.0%} of csv.writer)",
            "sandbox seconds": f"{ours:.2f}",
            f"extra memory writing {count // 10:,} rows, MB": f"{small:.2f}",
            f"extra memory writing {count:,} rows, MB": f"{large:.2f}",
        },
    )


if __name__ == "__main__":
    main()
