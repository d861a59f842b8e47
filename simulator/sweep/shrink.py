"""Delta debugging of a failing scenario: `bakkt-sim shrink` and `sweep --shrink` (CONTRACT section 17).

Zeller's ddmin removes what the failure does not need, in three kinds of
unit, reduced in turn: the final `expect` section's entries, the keys of the
request steps' own `expect` (`status`, and each key of a mapping `body`),
and the steps. The three are repeated until a round removes nothing, so the
result is 1-minimal in each: without any single step or entry left, the
failure is gone.

A candidate counts only when it is really run (`replay_run`, the same seed
and faults) and its failures include the signature being kept. Nothing is
predicted: a candidate that is not a valid scenario (a step logged in as a
client whose provisioning step went), that fails elsewhere instead (a batch
never opened) or that raises is simply not taken; a run that raises counts
only when the failure kept is a `crash`, as a sweep labels it. So whatever
`shrink` returns replays to the failure, even with `--faults random`, whose
outage windows move with the span of the steps that remain.

Signatures name places by index (`steps[21].expect.body.price`,
`expect.files[0]`), and a candidate renumbers what it keeps; its signatures
are read back through the original indexes it kept, so a candidate's step 3
failing is never mistaken for the original step 3.

What the signature names is never removed (the failing step, the failing
final entry), nor the keys the failing step checks before the failing field
(`status`, and the body keys listed earlier): they held in the failing run.
Without them a lookalike would do, one with the same signature but another
cause (for `body.price`, an allocation that never filled, its price
missing, instead of a COMPLETE one at another price).

Runs are spent sparingly, none skipped: before ddmin, one guess is tried
(nothing but what must stay; for a step's failure, also nothing after that
step), and runs are cached by what they keep, so ddmin's repeated subsets
and the last round, which confirms that nothing more goes, cost no runs.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, TypeVar

import yaml

from simulator.replay.errors import ScenarioError
from simulator.sweep.execute import CRASH, ScenarioSource, replay_run
from simulator.sweep.model import RunSpec
from simulator.sweep.plan import apply_overrides, parse_override
from simulator.sweep.signature import run_failures

U = TypeVar("U", bound=Hashable)
Check = tuple[str, int]
"""A final expectation: its section of `expect` and its index there, such as ("files", 0)."""
ExpectKey = tuple[int, tuple[str, ...]]
"""A key of a request step's `expect`: (step index, ("status",) or ("body",) or ("body", key))."""

NUMBERED = re.compile(r"^(?P<list>steps|expect\.\w+)\[(?P<index>\d+)\]")
"""The leading `steps[i]` or `expect.<section>[i]` of a signature: the index a candidate renumbers."""
STEP_FIELD = re.compile(r"^steps\[(?P<index>\d+)\]\.expect\.(?P<field>.+)$")
DUMP_WIDTH = 100
"""Long strings fold past this column, as YAML allows; text of several lines keeps its own lines."""
YAML_BREAKS = "\r\x85\u2028\u2029"
"""Characters YAML reads as line breaks; written as they are, they would come back as newlines."""


class NothingToShrink(Exception):
    """The run passes, or does not fail with the signature asked for: there is no failure to keep."""


@dataclass(frozen=True)
class ShrinkResult:
    document: dict[str, Any]
    """The smallest scenario document, `--set` assignments already applied."""
    signature: str
    """The signature kept failing, in the original scenario's numbering."""
    signature_now: str
    """The same failure's signature in `document`'s own numbering."""
    tries: int
    """Candidates tried, the whole scenario first, each once (one that is not a valid scenario stops at the loader)."""
    steps: tuple[int, int]
    """Steps before and after."""
    expectations: tuple[int, int]
    """Expectation entries before and after: the final `expect` section's, and each
    `status` and `body` key of the request steps' own `expect`."""


@dataclass(frozen=True)
class Selection:
    """What a candidate keeps of the scenario, by original index: the steps, the
    final expectations, and which keys of the kept steps' `expect` are dropped."""

    steps: tuple[int, ...]
    checks: tuple[Check, ...]
    dropped: frozenset[ExpectKey] = frozenset()

    def key(self) -> Hashable:
        """Equal for candidates that are the same document (keys of removed steps do not count)."""
        kept = set(self.steps)
        return self.steps, self.checks, tuple(sorted(key for key in self.dropped if key[0] in kept))

    def numbering(self) -> dict[str, dict[int, int]]:
        """Each renumbered list's candidate index -> original index."""
        sections = {section for section, _ in self.checks}
        maps = {f"expect.{section}": dict(enumerate(i for s, i in self.checks if s == section)) for section in sections}
        return {"steps": dict(enumerate(self.steps)), **maps}


def shrink(
    source: ScenarioSource,
    seed: int,
    faults: str,
    sets: tuple[str, ...] = (),
    signature: str | None = None,
    on_try: Callable[[int, int], None] | None = None,
) -> ShrinkResult:
    """The smallest scenario that still fails with `signature` (else the run's first).

    Raises OverrideError or ScenarioError when `sets` or the scenario are not
    valid, NothingToShrink when there is no such failure to keep.
    `on_try(tries, steps)` hears of every run, with the steps of the
    smallest failing scenario so far.
    """
    base = apply_overrides(source.document, [parse_override(text) for text in sets])
    ScenarioSource(source.path, base).scenario(())
    runs = Runs(source.path, base, RunSpec(seed, faults), on_try)
    whole = Selection(tuple(range(len(steps_of(base)))), tuple(checks_of(base)))
    target = chosen_signature(runs.outcome(whole, None) or (), signature, source.path, seed, faults)
    smallest = Reduction(runs, target).minimize(whole)
    document = candidate(base, smallest)
    document["name"] = f"{document['name']}-min"  # its replay report never lands on the original's folder
    return ShrinkResult(
        document=document,
        signature=target,
        signature_now=renumber(target, {name: inverse(numbers) for name, numbers in smallest.numbering().items()}),
        tries=runs.tries,
        steps=(len(whole.steps), len(smallest.steps)),
        expectations=(expectation_count(base, whole), expectation_count(base, smallest)),
    )


def chosen_signature(found: tuple[str, ...], wanted: str | None, path: str, seed: int, faults: str) -> str:
    run = f"{path} with seed {seed} and faults {faults}"
    if not found:
        raise NothingToShrink(f"{run} passes: there is no failure to shrink")
    if wanted is None:
        return found[0]
    if wanted not in found:
        raise NothingToShrink(f"{run} does not fail with {wanted}; its failures: {', '.join(found)}")
    return wanted


class Runs:
    """The candidates of one scenario run so far, each run once, and what they failed with."""

    def __init__(self, path: str, base: Mapping[str, Any], spec: RunSpec, on_try: Callable[[int, int], None] | None) -> None:
        self.path = path
        self.base = base
        self.spec = spec
        self.on_try = on_try
        self.outcomes: dict[Hashable, tuple[str, ...] | None] = {}
        self.smallest = len(steps_of(base))
        """Steps of the smallest candidate that failed with the target so far."""

    @property
    def tries(self) -> int:
        return len(self.outcomes)

    def outcome(self, selection: Selection, target: str | None) -> tuple[str, ...] | None:
        """The candidate's signatures in the original numbering; None when it is not a valid scenario."""
        key = selection.key()
        if key in self.outcomes:
            return self.outcomes[key]
        found = self.outcomes[key] = self.run(selection)
        if found is not None and target in found:
            self.smallest = min(self.smallest, len(selection.steps))
        if self.on_try is not None:
            self.on_try(self.tries, self.smallest)
        return found

    def run(self, selection: Selection) -> tuple[str, ...] | None:
        """A run that raises fails as `crash`, as in a sweep."""
        try:
            result = replay_run(ScenarioSource(self.path, candidate(self.base, selection)), self.spec)
        except ScenarioError:
            return None
        except Exception:  # noqa: BLE001 - the run's error is its failure, as in `execute`
            found: tuple[str, ...] = (CRASH,)
        else:
            found = tuple(failure.signature for failure in run_failures(result.failures))
        numbering = selection.numbering()
        return tuple(renumber(signature, numbering) for signature in found)


class Reduction:
    """ddmin of one failing selection, kind of unit by kind of unit, keeping `target` failing."""

    def __init__(self, runs: Runs, target: str) -> None:
        self.runs = runs
        self.target = target
        place = NUMBERED.match(target)
        self.place = place.group(0) if place else None
        """The `steps[i]` or `expect.<section>[i]` the target names, if any."""
        self.failing_step = int(place["index"]) if place and place["list"] == "steps" else None

    def fails(self, selection: Selection) -> bool:
        return self.target in (self.runs.outcome(selection, self.target) or ())

    def minimize(self, selection: Selection) -> Selection:
        """Reduce each kind of unit in turn until a whole round removes nothing."""
        while True:
            reduced = self.reduce_steps(self.reduce_keys(self.reduce_checks(selection)))
            if reduced == selection:
                return selection
            selection = reduced

    def reduce_checks(self, selection: Selection) -> Selection:
        pinned = [check for check in selection.checks if f"expect.{check[0]}[{check[1]}]" == self.place]
        free = [check for check in selection.checks if check not in pinned]

        def keeping(kept: Sequence[Check]) -> Selection:
            return replace(selection, checks=in_order(selection.checks, pinned, kept))

        return keeping(ddmin(free, lambda subset: self.fails(keeping(subset))))

    def reduce_keys(self, selection: Selection) -> Selection:
        units = kept_keys(self.runs.base, selection)
        pinned = self.guarded_keys(units)
        free = [key for key in units if key not in pinned]

        def keeping(kept: Sequence[ExpectKey]) -> Selection:
            return replace(selection, dropped=selection.dropped | (set(free) - set(kept)))

        return keeping(ddmin(free, lambda subset: self.fails(keeping(subset))))

    def reduce_steps(self, selection: Selection) -> Selection:
        failing = self.failing_step
        pinned = [index for index in selection.steps if index == failing]
        free = [index for index in selection.steps if index != failing]

        def keeping(kept: Sequence[int]) -> Selection:
            return replace(selection, steps=in_order(selection.steps, pinned, kept))

        before = [index for index in free if failing is None or index < failing]
        if before != free and self.fails(keeping(before)):
            free = before
        return keeping(ddmin(free, lambda subset: self.fails(keeping(subset))))

    def guarded_keys(self, units: Sequence[ExpectKey]) -> list[ExpectKey]:
        """The failing step's keys checked up to the failing field, in the order the runner checks them."""
        match = STEP_FIELD.match(self.target)
        if match is None:
            return []
        own = [key for key in units if key[0] == int(match["index"])]
        field = match["field"]
        for position, (_, path) in enumerate(own):
            name = ".".join(path)
            if field == name or field.startswith((f"{name}.", f"{name}[")):
                return own[: position + 1]
        return []


def ddmin(units: Sequence[U], fails: Callable[[Sequence[U]], bool]) -> list[U]:
    """Zeller's ddmin: a 1-minimal sublist of `units` for which `fails` holds.

    `fails(units)` is known to hold. Keeping nothing is tried first: most
    expectation entries have no part in a failure, so for them this one run
    is usually the whole search.
    """
    kept = list(units)
    if not kept or fails([]):
        return []
    parts = 2
    while len(kept) >= 2:
        chunks = split(kept, parts)
        subset = next((chunk for chunk in chunks if fails(chunk)), None)
        if subset is not None:
            kept, parts = subset, 2
            continue
        complements = ([unit for unit in kept if unit not in removed] for removed in map(set, chunks))
        complement = next((rest for rest in complements if fails(rest)), None)
        if complement is not None:
            kept, parts = complement, max(parts - 1, 2)
            continue
        if parts >= len(kept):
            break
        parts = min(2 * parts, len(kept))
    return kept


def split(units: Sequence[U], parts: int) -> list[list[U]]:
    """`units` in `parts` consecutive chunks whose sizes differ by one at most."""
    size, extra = divmod(len(units), parts)
    bounds = [part * size + min(part, extra) for part in range(parts + 1)]
    return [list(units[start:end]) for start, end in zip(bounds, bounds[1:], strict=False)]


def in_order(order: Sequence[U], pinned: Sequence[U], kept: Sequence[U]) -> tuple[U, ...]:
    """The pinned and kept units, in their order in the scenario."""
    chosen = {*pinned, *kept}
    return tuple(unit for unit in order if unit in chosen)


def renumber(signature: str, maps: Mapping[str, Mapping[int, int]]) -> str:
    """The signature with its leading list index looked up in that list's map."""
    match = NUMBERED.match(signature)
    if match is None or match["list"] not in maps:
        return signature
    index = maps[match["list"]].get(int(match["index"]))
    return signature if index is None else f"{match['list']}[{index}]{signature[match.end():]}"


def inverse(numbering: Mapping[int, int]) -> dict[int, int]:
    return {original: now for now, original in numbering.items()}


# the scenario document


def steps_of(document: Mapping[str, Any]) -> list[Any]:
    steps: list[Any] = document.get("steps") or []
    return steps


def checks_of(document: Mapping[str, Any]) -> list[Check]:
    expect: Mapping[str, Any] = document.get("expect") or {}
    return [(section, index) for section, entries in expect.items() for index in range(len(entries))]


def expect_keys(index: int, step: Mapping[str, Any]) -> list[ExpectKey]:
    """The request step's expectation entries, in the order the runner checks them: status, then body."""
    expect = step.get("expect")
    if not isinstance(expect, dict):
        return []
    keys: list[ExpectKey] = [(index, ("status",))] if "status" in expect else []
    body = expect.get("body")
    if isinstance(body, dict) and body:
        keys += [(index, ("body", key)) for key in body]
    elif "body" in expect:
        keys.append((index, ("body",)))
    return keys


def kept_keys(base: Mapping[str, Any], selection: Selection) -> list[ExpectKey]:
    steps = steps_of(base)
    return [key for index in selection.steps for key in expect_keys(index, steps[index]) if key not in selection.dropped]


def expectation_count(base: Mapping[str, Any], selection: Selection) -> int:
    return len(selection.checks) + len(kept_keys(base, selection))


def candidate(base: Mapping[str, Any], selection: Selection) -> dict[str, Any]:
    """The scenario document keeping what `selection` keeps; a list or section left empty goes."""
    steps = steps_of(base)
    document: dict[str, Any] = {}
    for key, value in base.items():
        if key == "steps":
            value = [trimmed(index, steps[index], selection.dropped) for index in selection.steps]
        elif key == "expect":
            value = {section: kept for section, entries in value.items() if (kept := kept_checks(section, entries, selection))}
        if key in ("steps", "expect") and not value:
            continue
        document[key] = value
    return document


def kept_checks(section: str, entries: Sequence[Any], selection: Selection) -> list[Any]:
    return [entries[index] for kept_section, index in selection.checks if kept_section == section]


def trimmed(index: int, step: Mapping[str, Any], dropped: frozenset[ExpectKey]) -> Mapping[str, Any]:
    """The step without its dropped `expect` keys; without `expect` once none is left."""
    expect = step.get("expect")
    if not isinstance(expect, dict) or not any(key[0] == index for key in dropped):
        return step
    kept: dict[str, Any] = {}
    for name, value in expect.items():
        if name == "body" and isinstance(value, dict) and value:
            value = {key: item for key, item in value.items() if (index, ("body", key)) not in dropped}
            if not value:
                continue
        elif (index, (name,)) in dropped:
            continue
        kept[name] = value
    return {key: (kept if key == "expect" else value) for key, value in step.items() if key != "expect" or kept}


# writing it out


class ScenarioDumper(yaml.SafeDumper):
    """Block style for a person to read; a value used twice is written twice, never as an alias."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def represent_text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    """Lines as written (a literal block), one paragraph folded at the width, and
    double quotes, with escapes, for the characters YAML would read as line breaks."""
    style: str | None = None
    if any(char in text for char in YAML_BREAKS):
        style = '"'
    elif "\n" in text.rstrip("\n"):
        style = "|"
    elif text.endswith("\n"):
        style = ">"
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


ScenarioDumper.add_representer(str, represent_text)


def dump_scenario(document: Mapping[str, Any]) -> str:
    """The scenario as YAML text: keys in the document's order, strings quoted only where
    YAML would read them as something else (so instants and decimals stay quoted strings)."""
    text: str = yaml.dump(
        dict(document), Dumper=ScenarioDumper, default_flow_style=False, sort_keys=False, allow_unicode=True, width=DUMP_WIDTH
    )
    return text
