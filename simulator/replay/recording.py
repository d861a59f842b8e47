"""The scenario file `bakkt-sim serve --record` writes: one step per request.

A recording is an ordinary version 1 scenario (CONTRACT section 14), so
`bakkt-sim replay` runs it like any other and a person can edit it. Each
step is appended and flushed as soon as its request was answered, so the
file is a complete scenario whenever the server stops, even by kill -9.
"""
from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from simulator.api.http import MAX_BODY_BYTES
from simulator.engine.clock import NS_PER_MS, NS_PER_SECOND, iso_millis, iso_nanos, iso_seconds
from simulator.replay.loader import NAME_PATTERN
from simulator.replay.scenario import CONTROL_PREFIX, SCENARIO_VERSION, Scenario
from simulator.replay.source import MAX_DEPTH
from simulator.replay.substitution import PLACEHOLDER

MARKER = "# Recorded by `bakkt-sim serve --record`"
"""The first line of every recording: only a file that starts with it is overwritten."""
HEADER = (
    f"{MARKER}: every request the sandbox answered, in the\n"
    "# order it ran them, at the simulated instant it ran each one (`at`), with\n"
    "# the answer it gave as `expect`. Replay with: bakkt-sim replay <this file>\n"
)
DEFAULT_NAME = "recording"
BODY_DEPTH = MAX_DEPTH - 5
"""Collections a recorded body or answer may nest: the scenario loader's limit,
less the levels a step puts above it (the document, steps, the step, control,
expect). A deeper request body is written as `raw_body`; a deeper answer is
expected by its status alone."""
LINE_WIDTH = 100


class RecordPathError(Exception):
    """FILE cannot take a recording; the message says why."""


class BlockDumper(yaml.SafeDumper):
    """Block style with list items indented under their key, for people reading the file."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def to_yaml(value: Any) -> str:
    return yaml.dump(
        value, Dumper=BlockDumper, default_flow_style=False, sort_keys=False, allow_unicode=True, width=LINE_WIDTH
    )


def check_record_path(path: Path) -> None:
    """Refuse a FILE that cannot be written or that holds something else than an earlier recording."""
    folder = path.parent
    if not folder.is_dir():
        raise RecordPathError(f"folder {folder} does not exist")
    if path.is_dir():
        raise RecordPathError("is a folder")
    if path.exists() and not is_recording(path):
        raise RecordPathError(
            f"exists and is not an earlier recording (its first line is not {MARKER!r}); "
            "refusing to overwrite it: remove it or pick another FILE"
        )


def is_recording(path: Path) -> bool:
    marker = MARKER.encode()
    with path.open("rb") as existing:
        return existing.read(len(marker)) == marker


def scenario_name(path: Path) -> str:
    """The file's stem, made a valid scenario name (it names the report folder)."""
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", path.stem).lstrip("._-")[:100]
    return name if NAME_PATTERN.match(name) else DEFAULT_NAME


def exact_instant(ns: int) -> str:
    """The shortest ISO form that keeps every nanosecond, so a replay runs at the same instant."""
    if ns % NS_PER_SECOND == 0:
        return iso_seconds(ns)
    if ns % NS_PER_MS == 0:
        return iso_millis(ns)
    return iso_nanos(ns)


def header(name: str, description: str, seed: int, start: str, setup: Scenario | None) -> dict[str, Any]:
    """The scenario's head: a `--setup` scenario's market and clients are copied, so the replay applies them too."""
    head: dict[str, Any] = {
        "version": SCENARIO_VERSION,
        "name": name,
        "description": description,
        "seed": seed,
        "start": start,
    }
    if setup is not None and setup.market:
        head["market"] = {symbol: dict(settings) for symbol, settings in setup.market.items()}
    if setup is not None and setup.clients:
        head["clients"] = {
            client.client_id: {
                **{key: value for key, value in client.body.items() if key != "clientId"},
                **({"accounts": [dict(accounts) for accounts in client.accounts]} if client.accounts else {}),
            }
            for client in setup.clients
        }
    return head


@dataclass(frozen=True)
class Exchange:
    """One request as the sandbox ran it, and its answer."""

    method: str
    path: str
    query: Mapping[str, str]
    body: bytes
    auth: Mapping[str, str]
    """`{"as": client}`, `{"authorization": header}` or nothing (see the recorder)."""
    at_ns: int | None
    """The instant it ran at, when the clock had moved since the previous request."""
    status: int
    answer: Any
    """The answer's JSON."""


def step_document(exchange: Exchange) -> dict[str, Any]:
    """The scenario step that sends this request and expects this answer.

    The whole answer is the expectation, so the replay's subset match checks
    every field; a list must have the same length and each element matches.
    (An answer nested deeper than a scenario holds is expected by its status.)
    """
    call: dict[str, Any] = {"method": exchange.method, "path": exchange.path}
    if exchange.query:
        call["query"] = dict(exchange.query)
    call.update(body_fields(exchange.body))
    expect: dict[str, Any] = {"status": exchange.status}
    if exchange.answer is not None and nests_within(exchange.answer, BODY_DEPTH):
        expect["body"] = exchange.answer
    step: dict[str, Any] = {} if exchange.at_ns is None else {"at": exact_instant(exchange.at_ns)}
    if exchange.path.startswith(CONTROL_PREFIX):
        step["control"] = {**call, "expect": expect}
    else:
        step.update(exchange.auth)
        step["request"] = call
        step["expect"] = expect
    return {"literal": True, **step} if holds_placeholder(step) else step


def body_fields(raw: bytes) -> dict[str, Any]:
    """How a request body is written so that the replay sends an equivalent one.

    The sandbox reads a body as JSON, so a body that parses is written as
    YAML data: the replay sends its JSON, which parses to the same value.
    Anything else, a body whose size decides its answer (413), and one
    nested deeper than a scenario may hold, is `raw_body`, sent as written:
    text as is, other bytes as !!binary.
    """
    if not raw:
        return {}
    if len(raw) <= MAX_BODY_BYTES:
        try:
            value = json.loads(raw)
        except (ValueError, RecursionError):
            value = None
        if (
            value is not None
            and nests_within(value, BODY_DEPTH)
            and finite(value)
            and len(json.dumps(value).encode()) <= MAX_BODY_BYTES
        ):
            return {"body": value}
    try:
        return {"raw_body": raw.decode("utf-8")}
    except UnicodeDecodeError:
        return {"raw_body": raw}


def nests_within(value: Any, limit: int) -> bool:
    """Whether no path through `value` opens more than `limit` lists and objects.

    Walked with a stack, not recursion: the value may be as deep as JSON
    allows, which is what is being measured.
    """
    stack = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, (list, dict)):
            if level > limit:
                return False
            stack.extend((child, level + 1) for child in (item.values() if isinstance(item, dict) else item))
    return True


def finite(value: Any) -> bool:
    """No NaN or infinity anywhere: a scenario's numbers are finite."""
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, list):
        return all(finite(item) for item in value)
    if isinstance(value, dict):
        return all(finite(item) for item in value.values())
    return True


def holds_placeholder(value: Any) -> bool:
    """Whether a string anywhere, keys included, reads as a `${...}` placeholder."""
    if isinstance(value, str):
        return PLACEHOLDER.search(value) is not None
    if isinstance(value, list):
        return any(holds_placeholder(item) for item in value)
    if isinstance(value, dict):
        return any(holds_placeholder(key) or holds_placeholder(item) for key, item in value.items())
    return False


class RecordingFile:
    """The open recording: the head at once, then each step as it comes.

    Each piece goes to the file unbuffered, so a failed write (a full disk)
    loses nothing already answered and leaves no half step behind: the file
    is cut back to the end of the last whole piece before the error is
    raised.
    """

    def __init__(self, path: Path, head: Mapping[str, Any]) -> None:
        self.path = path
        self._file = path.open("wb", buffering=0)
        self._length = 0
        """Bytes of whole pieces written so far."""
        self._has_steps = False
        self._write(HEADER + to_yaml(dict(head)))

    @property
    def closed(self) -> bool:
        return self._file.closed

    def append(self, step: Mapping[str, Any]) -> None:
        lines = to_yaml([dict(step)]).splitlines(keepends=True)
        self._write(("" if self._has_steps else "steps:\n") + "".join(f"  {line}" for line in lines))
        self._has_steps = True

    def note(self, text: str) -> None:
        """A comment line: a request the file cannot replay, and why."""
        self._write(f"# {' '.join(text.splitlines())}\n")

    def stop(self, reason: str) -> None:
        """Close after a failed write, saying why at the end when the file still takes it."""
        try:
            self.note(f"recording stopped: {reason}")
        except OSError:
            pass  # the file keeps its whole steps; the caller tells the reason
        self.close()

    def close(self) -> None:
        self._file.close()

    def _write(self, text: str) -> None:
        data = text.encode()
        written = 0
        try:
            while written < len(data):
                written += self._file.write(data[written:])
        except OSError:
            self._file.seek(self._length)
            self._file.truncate()
            raise
        self._length += len(data)
