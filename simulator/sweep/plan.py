"""The run plan: a seed expands into printed options (CONTRACT sections 12, 17).

`draw_profile` turns a run's seed into a `FaultProfile`: queue duplicates and
delays, S3 upload failures, fill latency, provider outages in windows, and
each symbol's volatility and spread. Every value comes from its own named
stream (`RandomStreams`, SHA-256 derived), so the profile is a pure function
of the seed, the symbols and the horizon, and adding a draw to one part
never shifts another. The profile is applied only through the public control
API: `faults_body` is the body of POST /sandbox/v1/faults, `market_bodies`
and `timed_changes` the bodies of POST /sandbox/v1/market/{symbol}.

The ranges stress a client without making a correct one fail:

=====================  ==========================================
queue duplicateRate    0.0 - 0.3
queue maxDelaySeconds  0 - 120 s
s3 failPuts            0 - 3 (a retrying uploader gets through)
fills latencyMs        100 - 2000 ms
outages per symbol     0 - 3 windows of 1 - 10 minutes each,
                       starting inside the scenario's horizon
volatility             0.05 - 1.5 (annualised)
spreadBps              2 - 50
=====================  ==========================================

`apply_overrides` is `--set PATH=V`: a dotted path into the scenario
document and a YAML scalar, the path checked before the scenario is
validated again.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from simulator.engine.clock import NS_PER_SECOND, parse_instant
from simulator.engine.streams import RandomStreams
from simulator.replay.fields import Node
from simulator.replay.loader import load_scenario, parse_scenario
from simulator.replay.runner import CONTROL, Extras, TimedCall
from simulator.replay.scenario import AdvanceStep, HttpCall, Scenario
from simulator.replay.source import LOADERS, DocumentRefused, parse, read_yaml
from simulator.sweep.model import FAULT_MODES as FAULT_MODES  # defined with the runs, so the CLI reads it without this module

STREAM = "sweep/faults"
"""Prefix of every stream the profile draws from."""

DUPLICATE_RATE = (0.0, 0.3)
MAX_DELAY_SECONDS = (0, 120)
FAIL_PUTS = (0, 3)
LATENCY_MS = (100, 2000)
OUTAGES_PER_SYMBOL = (0, 3)
OUTAGE_SECONDS = (60, 600)
VOLATILITY = (0.05, 1.5)
SPREAD_BPS = (2, 50)
DEFAULT_HORIZON_SECONDS = 3600
"""Where outages may start when the scenario names no instant after its start."""


@dataclass(frozen=True, order=True)
class OutageWindow:
    """A provider outage of `symbol` over [start, end), in seconds after the scenario's start."""

    start_seconds: int
    end_seconds: int
    symbol: str


@dataclass(frozen=True)
class MarketProfile:
    volatility: float
    spread_bps: int


@dataclass(frozen=True)
class TimedChange:
    """A control call due at an instant: POST /sandbox/v1/market/{symbol} `body`."""

    at_ns: int
    symbol: str
    body: Mapping[str, Any]

    @property
    def path(self) -> str:
        return f"{CONTROL}/market/{self.symbol}"


@dataclass(frozen=True)
class FaultProfile:
    seed: int
    duplicate_rate: float
    max_delay_seconds: int
    fail_puts: int
    latency_ms: int
    market: Mapping[str, MarketProfile]
    outages: tuple[OutageWindow, ...]
    """Sorted by start; a symbol's windows never overlap."""

    def faults_body(self) -> dict[str, Any]:
        """The body of POST /sandbox/v1/faults."""
        return {
            "queue": {"duplicateRate": self.duplicate_rate, "maxDelaySeconds": self.max_delay_seconds},
            "s3": {"failPuts": self.fail_puts},
            "fills": {"latencyMs": self.latency_ms},
        }

    def market_bodies(self) -> dict[str, dict[str, Any]]:
        """Bodies of POST /sandbox/v1/market/{symbol}, applied at setup."""
        return {
            symbol: {"volatility": settings.volatility, "spreadBps": settings.spread_bps}
            for symbol, settings in sorted(self.market.items())
        }

    def timed_changes(self, start: str) -> tuple[TimedChange, ...]:
        """The outages as control calls at their instants, in time order (ends before starts at a tie)."""
        start_ns = parse_instant(start)
        changes = [
            change
            for window in self.outages
            for change in (
                TimedChange(start_ns + window.start_seconds * NS_PER_SECOND, window.symbol, {"outage": True}),
                TimedChange(start_ns + window.end_seconds * NS_PER_SECOND, window.symbol, {"outage": False}),
            )
        ]
        return tuple(sorted(changes, key=lambda c: (c.at_ns, bool(c.body["outage"]), c.symbol)))


def draw_profile(seed: int, symbols: Iterable[str], horizon_seconds: int = DEFAULT_HORIZON_SECONDS) -> FaultProfile:
    """The fault profile of the run with `seed`: a pure function of its arguments."""
    streams = RandomStreams(seed)
    queue = streams.stream(f"{STREAM}/queue")
    market: dict[str, MarketProfile] = {}
    outages: list[OutageWindow] = []
    horizon = max(int(horizon_seconds), OUTAGE_SECONDS[1])
    for symbol in sorted(set(symbols)):
        prices = streams.stream(f"{STREAM}/market/{symbol}")
        market[symbol] = MarketProfile(
            volatility=round(prices.uniform(*VOLATILITY), 3),
            spread_bps=prices.randint(*SPREAD_BPS),
        )
        outages.extend(draw_outages(streams.stream(f"{STREAM}/outages/{symbol}"), symbol, horizon))
    return FaultProfile(
        seed=seed,
        duplicate_rate=round(queue.uniform(*DUPLICATE_RATE), 3),
        max_delay_seconds=queue.randint(*MAX_DELAY_SECONDS),
        fail_puts=streams.stream(f"{STREAM}/s3").randint(*FAIL_PUTS),
        latency_ms=streams.stream(f"{STREAM}/fills").randint(*LATENCY_MS),
        market=market,
        outages=tuple(sorted(outages)),
    )


def draw_outages(rng: Any, symbol: str, horizon: int) -> list[OutageWindow]:
    """Up to three windows of one symbol, starting inside [0, horizon); overlapping ones are dropped."""
    drawn = sorted(
        (start, start + rng.randint(*OUTAGE_SECONDS))
        for start in (rng.randrange(0, horizon) for _ in range(rng.randint(*OUTAGES_PER_SYMBOL)))
    )
    windows: list[OutageWindow] = []
    for start, end in drawn:
        if windows and start < windows[-1].end_seconds:
            continue
        windows.append(OutageWindow(start, end, symbol))
    return windows


def horizon_seconds(start: str, instants: Iterable[str]) -> int:
    """Seconds from `start` to the latest of `instants` (the default when none is later)."""
    start_ns = parse_instant(start)
    latest = max((parse_instant(text) for text in instants), default=start_ns)
    span = (latest - start_ns) // NS_PER_SECOND
    return int(span) if span > 0 else DEFAULT_HORIZON_SECONDS


# --set PATH=V


class OverrideError(ValueError):
    """A `--set` that names no place in the scenario, or gives no scalar."""

    def __init__(self, assignment: str, problem: str) -> None:
        self.assignment = assignment
        super().__init__(f"--set {assignment}: {problem}")


@dataclass(frozen=True)
class Override:
    path: tuple[str, ...]
    value: Any
    text: str
    """As given: `PATH=V`."""


def parse_override(text: str) -> Override:
    """`PATH=V`; V read as one YAML scalar by the scenario loader's rules (`yaml_scalar`)."""
    name, sep, raw = text.partition("=")
    if not sep or not name:
        raise OverrideError(text, "expected PATH=VALUE, such as market.BTCUSD.volatility=0.9")
    path = tuple(name.split("."))
    if any(not part for part in path):
        raise OverrideError(text, f"{name!r} is not a dotted path")
    if path[0] == "seed":
        raise OverrideError(text, "the seed is set with --seed, not --set")
    try:
        value = yaml_scalar(raw)
    except yaml.YAMLError as exc:
        raise OverrideError(text, f"{raw!r} is not a YAML scalar ({exc.__class__.__name__})") from None
    if isinstance(value, (dict, list)):
        raise OverrideError(text, f"{raw!r} is not a YAML scalar")
    return Override(path, value, text)


def apply_overrides(document: Any, overrides: Sequence[Override]) -> Any:
    """A copy of the scenario document with each override applied, in order.

    Every key but the last must exist; the last must exist too unless its
    parent is a mapping under `market` (a setting the scenario leaves to
    its default). List items are named by their index. Whether the result
    is a valid scenario is for the loader to say.
    """
    result = copy_document(document)
    for override in overrides:
        set_at(result, override)
    return result


def copy_document(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: copy_document(item) for key, item in value.items()}
    if isinstance(value, list):
        return [copy_document(item) for item in value]
    return value


def set_at(document: Any, override: Override) -> None:
    *parents, last = override.path
    node = document
    walked: list[str] = []
    for part in parents:
        node = child(node, part, override, walked)
        walked.append(part)
    if isinstance(node, dict):
        if last not in node and not (len(walked) == 2 and walked[0] == "market"):
            raise OverrideError(override.text, f"{'.'.join([*walked, last])} is not in the scenario")
        node[last] = override.value
    elif isinstance(node, list):
        node[index_of(node, last, override, walked)] = override.value
    else:
        raise OverrideError(override.text, f"{'.'.join(walked) or 'the scenario'} holds no keys")


def child(node: Any, part: str, override: Override, walked: list[str]) -> Any:
    if isinstance(node, dict):
        if part not in node:
            raise OverrideError(override.text, f"{'.'.join([*walked, part])} is not in the scenario")
        return node[part]
    if isinstance(node, list):
        return node[index_of(node, part, override, walked)]
    raise OverrideError(override.text, f"{'.'.join(walked) or 'the scenario'} holds no keys")


def index_of(node: list[Any], part: str, override: Override, walked: list[str]) -> int:
    if not part.isdigit() or int(part) >= len(node):
        raise OverrideError(override.text, f"{'.'.join([*walked, part])}: no item {part} in a list of {len(node)}")
    return int(part)


# applying a profile to a replay


def scenario_instants(scenario: Scenario) -> list[str]:
    """The instants a scenario's steps name (`at:` and `advance: {to:}`)."""
    instants = [step.at for step in scenario.steps if step.at is not None]
    instants += [
        step.action.to for step in scenario.steps if isinstance(step.action, AdvanceStep) and step.action.to is not None
    ]
    return instants


def profile_for(scenario: Scenario, seed: int) -> FaultProfile:
    """The profile of `scenario` run with `seed`: its market's symbols, outages within its steps' span."""
    return draw_profile(seed, scenario.market.keys(), horizon_seconds(scenario.start, scenario_instants(scenario)))


def run_extras(scenario: Scenario, seed: int, faults: str, overrides: Sequence[Override]) -> Extras | None:
    """The control calls and recorded options of a replay with `--faults` and `--set`; None for a plain replay."""
    if faults == "none" and not overrides:
        return None
    options: dict[str, object] = {"faults": faults, "set": [override.text for override in overrides]}
    if faults == "none":
        return Extras(options=options)
    profile = profile_for(scenario, seed)
    setup = [("faults", HttpCall("POST", f"{CONTROL}/faults", profile.faults_body()))]
    setup += [
        (f"faults.market.{symbol}", HttpCall("POST", f"{CONTROL}/market/{symbol}", body))
        for symbol, body in profile.market_bodies().items()
    ]
    timed = [
        TimedCall(change.at_ns, f"faults.outage.{change.symbol}", HttpCall("POST", change.path, dict(change.body)))
        for change in profile.timed_changes(scenario.start)
    ]
    return Extras(setup=setup, timed=timed, options=options)


def yaml_scalar(text: str) -> Any:
    """V of `--set PATH=V`, read by the scenario loader's own YAML rules (so instants stay text)."""
    try:
        return parse(text, LOADERS[-1])
    except (yaml.YAMLError, DocumentRefused) as exc:
        raise yaml.YAMLError(str(exc)) from None


def load_with_overrides(path: Path | str, overrides: Sequence[Override]) -> Scenario:
    """`load_scenario`, with `--set` applied to the document before it is checked.

    Raises OverrideError for a path the document lacks, ScenarioError when the
    result is not a valid scenario.
    """
    if not overrides:
        return load_scenario(path)
    document = apply_overrides(read_yaml(Path(path)), overrides)
    return parse_scenario(Node(str(path), (), document))
