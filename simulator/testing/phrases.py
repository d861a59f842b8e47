"""The step library's phrases as Markdown, generated from the step modules.

docs/STEPS.md is this module's output (`python -m simulator.testing.phrases
> docs/STEPS.md`) and a test compares the two, so the published phrase list
cannot drift from the code that implements it.
"""
from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from pytest_bdd.steps import step_function_context_registry

from simulator.testing.plugin import STEP_MODULES

TYPE_SPEC = re.compile(r"\{(\w+):[^}]+\}")
KEYWORDS = ("given", "when", "then")

HEADER = """\
# Step phrases

Generated from `simulator/testing` by `python -m simulator.testing.phrases`;
do not edit by hand. Installing `bakkt-sandbox` registers these steps and the
`bakkt_*` fixtures as a pytest plugin, so any suite's features can use them.

Placeholders:

- `"{name}"` in quotes takes any text without a double quote: client ids,
  names of batches, allocations, gifts and orders, decimals exactly as the API
  writes them, messages and reasons word for word.
- `{name}` without quotes takes one word: symbols, sides, statuses, account
  ids, enum values, event types. `{resource}` is `allocation`, `batch`,
  `gift` or `order`.
- `{count}`, `{seed}`, `{bps}`, `{spread}`, `{code}` are whole numbers;
  `{seconds}` is a number.
- A quoted batch, allocation, gift or order name stands for the UUID the
  sandbox seed derives from it (`${uuid:NAME}` in scenario files).
- A phrase ending in `:` takes the data table described with it.
"""


@dataclass
class StepEntry:
    """One step function: its phrases and the keywords each is registered under."""

    function: Callable[..., object]
    keywords: dict[str, list[str]] = field(default_factory=dict)
    """Phrase -> keywords, in registration order."""

    @property
    def summary(self) -> str:
        return " ".join((self.function.__doc__ or "").split())


def readable(pattern: str) -> str:
    """`{client:Text}` -> `{client}`: the type spec is the library's business."""
    return TYPE_SPEC.sub(r"{\1}", pattern)


def entries_of(module_name: str) -> list[StepEntry]:
    """The module's step functions in source order."""
    importlib.import_module(module_name)
    entries: dict[Callable[..., object], StepEntry] = {}
    for context in list(step_function_context_registry.values()):
        function = context.step_func
        if function.__module__ != module_name or context.type is None:
            continue
        entry = entries.setdefault(function, StepEntry(function))
        entry.keywords.setdefault(readable(context.parser.name), []).append(context.type)
    return sorted(entries.values(), key=lambda entry: entry.function.__code__.co_firstlineno)


def render_entry(entry: StepEntry) -> str:
    phrases = []
    for pattern, keywords in sorted(entry.keywords.items()):
        ordered = sorted(set(keywords), key=KEYWORDS.index)
        phrases.append(f"`{' / '.join(k.capitalize() for k in ordered)} {pattern}`")
    return f"| {'<br>'.join(phrases)} | {entry.summary.replace('|', '&#124;')} |"


def render_module(module_name: str) -> str:
    module = importlib.import_module(module_name)
    title = (module.__doc__ or module_name).strip().splitlines()[0].rstrip(".")
    rows = "\n".join(render_entry(entry) for entry in entries_of(module_name))
    return f"## {title}\n\n| Phrase | Notes |\n|---|---|\n{rows}\n"


def render_markdown() -> str:
    return "\n".join([HEADER, *(render_module(name) for name in STEP_MODULES)])


if __name__ == "__main__":
    print(render_markdown(), end="")
