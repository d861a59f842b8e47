"""The short text a replay prints: what ran, what it produced, what failed."""
from __future__ import annotations

from pathlib import Path

from simulator.replay.outcome import INVARIANT_PREFIX, RunResult


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
    lines.append(f"FAILED: {failure_count(result)}")
    for failure in result.failures:
        lines.append(f"  {failure.where}")
        lines.append(indent(failure.message, "    "))
    return "\n".join(lines)


def failure_count(result: RunResult) -> str:
    """`3 expectations did not hold`, with the broken invariants (a sandbox bug) named apart."""
    broken = sum(1 for failure in result.failures if failure.where.startswith(INVARIANT_PREFIX))
    held = len(result.failures) - broken
    parts = [f"{held} expectation{'s' if held != 1 else ''} did not hold"] if held else []
    if broken:
        parts.append(f"{broken} invariant{'s' if broken != 1 else ''} broken (a sandbox bug: please report it)")
    return "; ".join(parts)
