"""The short text a replay prints: what ran, what it produced, what failed."""
from __future__ import annotations

from pathlib import Path

from simulator.replay.outcome import RunResult


def indent(text: str, prefix: str) -> str:
    return "\n".join(prefix + line for line in text.split("\n"))


def render_summary(result: RunResult, out: Path) -> str:
    counts = (
        f"requests {len(result.requests)}, events {len(result.events)}, "
        f"files {len(result.files)}, emails {len(result.emails)}"
    )
    lines = [
        f"scenario  {result.scenario} ({result.source})",
        f"seed      {result.seed}",
        f"counts    {counts}",
        f"report    {out}",
    ]
    if result.passed:
        lines.append("PASSED")
        return "\n".join(lines)
    count = len(result.failures)
    lines.append(f"FAILED: {count} expectation{'s' if count != 1 else ''} did not hold")
    for failure in result.failures:
        lines.append(f"  {failure.where}")
        lines.append(indent(failure.message, "    "))
    return "\n".join(lines)
