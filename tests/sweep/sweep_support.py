"""Helpers for sweep tests: running `bakkt-sim sweep` and reading its folder."""
from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result

from simulator.cli import main

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
QUICKSTART = SCENARIOS / "quickstart.yaml"


def sweep(*args: str | Path) -> Result:
    """`bakkt-sim sweep ARGS`, in this process (its workers are processes of their own)."""
    return CliRunner().invoke(main, ["sweep", *map(str, args)], catch_exceptions=False)


def folder_bytes(folder: Path, *, but: tuple[str, ...] = ("run-info.json",)) -> dict[str, bytes]:
    """Every file under `folder`, relative path -> bytes, leaving out the files named in `but`."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.name not in but
    }
