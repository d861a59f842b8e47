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
