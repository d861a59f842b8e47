"""The README's Python example runs as written and shows what it promises."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readme_python_example_runs(capsys: pytest.CaptureFixture[str]) -> None:
    example = re.search(r"```python\n(.*?)```", README.read_text(), re.S)
    assert example is not None, "README.md lost its Python example"
    exec(compile(example.group(1), "README.md", "exec"), {})
    printed = capsys.readouterr().out
    assert printed.startswith("COMPLETE\n")
    assert '"event_type":"allocation/batch/1"' in printed
    assert "BTC,200.00,0.00464884,0.00464884,0" in printed


def test_the_readme_memory_example_runs_two_worlds_side_by_side(capsys: pytest.CaptureFixture[str]) -> None:
    section = README.read_text().split('### Many sandboxes at once: `aws="memory"`', 1)[1]
    example = re.search(r"```python\n(.*?)```", section, re.S)
    assert example is not None, "README.md lost its memory-mode example"
    exec(compile(example.group(1), "README.md", "exec"), {})
    printed = capsys.readouterr().out.splitlines()
    assert printed.count("['allocation/batch/1']") == 2
    assert printed.count("['Net settlement 2026-03-02']") == 2
    assert sum("eod_settlement/2026-03-02settlement_summary.csv 2026-03-02 15:00:00+00:00" in line for line in printed) == 2
