"""docs/STEPS.md is generated from the step library; this keeps it from drifting."""
from __future__ import annotations

from pathlib import Path

from simulator.testing.phrases import render_markdown

STEPS_DOC = Path(__file__).resolve().parents[2] / "docs" / "STEPS.md"


def test_steps_doc_lists_the_registered_phrases() -> None:
    assert STEPS_DOC.read_text(encoding="utf-8") == render_markdown(), (
        "docs/STEPS.md differs from the step library: run `python -m simulator.testing.phrases > docs/STEPS.md`"
    )
