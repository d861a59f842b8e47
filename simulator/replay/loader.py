"""From a YAML file to a checked `Scenario` (CONTRACT section 14).

Everything that can be known without running is checked here, so a typo
stops the replay with exit 2 and a message naming the file and the key,
instead of surfacing as a puzzling failure halfway through a run.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from simulator import DEFAULT_START
from simulator.api.schemas import AccountsRequest, ClientRequest, MarketSettings
from simulator.api.stream_frames import QUOTES_PATH, STREAM_PATHS
from simulator.domain.instruments import INSTRUMENTS
from simulator.replay.errors import ScenarioError
from simulator.replay.fields import Node, describe
from simulator.replay.scenario import (
    CLIENTS_PATH,
    CONTROL_PREFIX,
    METHODS,
    SCENARIO_VERSION,
    Action,
    AdvanceStep,
    ClientSetup,
    ControlStep,
    EmailExpect,
    EventExpect,
    Expectations,
    FileExpect,
    HttpCall,
    RequestStep,
    ResponseExpect,
    Scenario,
    Step,
    StreamStep,
)
from simulator.replay.source import read_yaml
from simulator.replay.substitution import Substitution

T = TypeVar("T")
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
CALL_REQUIRED = ("method", "path")
CALL_OPTIONAL = ("body", "raw_body", "query")
STEP_KEYS = {
    "request": ("at", "as", "authorization", "expect", "literal"),
    "control": ("at", "literal"),
    "advance": (),
    "stream": ("at", "as", "expect"),
}
KINDS = ", ".join(STEP_KEYS)


@dataclass(frozen=True)
class LiteralNode(Node):
    """A node under a `literal: true` step: its strings may hold `${...}` as plain text."""

    def child(self, key: str | int, value: Any) -> Node:
        return LiteralNode(self.source, (*self.path, key), value)

    def text(self) -> str:
        if not isinstance(self.value, str):
            self.fail(f"must be a string, not {describe(self.value)}")
        return self.value


def load_scenario(path: Path | str) -> Scenario:
    """Read and check a scenario file; raises ScenarioError on any problem."""
    return parse_scenario(Node(str(path), (), read_yaml(Path(path))))


def parse_scenario(root: Node) -> Scenario:
    if root.value is None:
        root.fail(f"is empty; a scenario starts with `version: {SCENARIO_VERSION}` and `name: ...`")
    fields = root.mapping(
        required=("version", "name"),
        optional=("description", "seed", "start", "market", "clients", "steps", "expect"),
    )
    if fields["version"].integer() != SCENARIO_VERSION:
        fields["version"].fail(f"must be {SCENARIO_VERSION}, the scenario format this sandbox reads")
    name = fields["name"].text()
    if not NAME_PATTERN.match(name):
        fields["name"].fail("must be letters, digits, '.', '_' or '-' (it names the report folder)")
    seed = read(fields, "seed", Node.integer, 0)
    resolve = Substitution(seed)
    market = {
        symbol: control_body(settings, settings.json_object(), MarketSettings, resolve)
        for symbol, settings in named(fields, "market").items()
    }
    clients = tuple(parse_client(client_id, node, resolve) for client_id, node in named(fields, "clients").items())
    client_ids = {client.client_id for client in clients} | clients_created_by_steps(listed(fields, "steps"))
    return Scenario(
        source=root.source,
        name=name,
        description=read(fields, "description", Node.text, ""),
        seed=seed,
        start=read(fields, "start", Node.instant, DEFAULT_START),
        market=market,
        clients=clients,
        steps=tuple(parse_step(node, client_ids) for node in listed(fields, "steps")),
        expect=parse_expectations(fields["expect"], client_ids) if "expect" in fields else Expectations(),
    )


def read(fields: dict[str, Node], key: str, reader: Callable[[Node], T], default: T) -> T:
    """`reader(fields[key])` when the key is given, else the default."""
    return reader(fields[key]) if key in fields else default


def named(fields: dict[str, Node], key: str) -> dict[str, Node]:
    """The entries under an optional key whose names the author chooses."""
    return fields[key].entries() if key in fields else {}


def listed(fields: dict[str, Node], key: str) -> list[Node]:
    """The items under an optional list key."""
    return fields[key].items() if key in fields else []


def parse_client(client_id: str, node: Node, resolve: Substitution) -> ClientSetup:
    body = node.json_object()
    if body.setdefault("clientId", client_id) != client_id:
        node.child("clientId", body["clientId"]).fail(f"must be {client_id!r} (the key above it) or left out")
    accounts = node.child("accounts", body.pop("accounts", []))
    return ClientSetup(
        client_id,
        control_body(node, body, ClientRequest, resolve),
        tuple(control_body(item, item.json_object(), AccountsRequest, resolve) for item in accounts.items()),
    )


def control_body(node: Node, body: dict[str, Any], model: type[BaseModel], resolve: Substitution) -> dict[str, Any]:
    """`body` as given, once the control API's own model accepts it.

    The runner sends these bodies before the first step, where a refusal
    would only show as a failed setup; checked here, a typo (`fundingModle`)
    or a number written as a string stops the replay with exit 2 naming the
    key, in the words the API would answer. Placeholders are replaced first,
    as the runner will: a UUID's shape is the same whatever the seed.
    """
    try:
        model.model_validate(resolve(body))
    except ValidationError as exc:
        first = exc.errors()[0]
        raise ScenarioError(node.source, (*node.path, *first["loc"]), first["msg"]) from None
    return body


def clients_created_by_steps(steps: list[Node]) -> set[str]:
    """Client ids a control step provisions (POST /sandbox/v1/clients): `as`
    and the final expectations may name them like the `clients` section's.

    Read before the steps are checked, so any shape problem is left to them.
    """
    created: set[str] = set()
    for node in steps:
        control = node.value.get("control") if isinstance(node.value, dict) else None
        if not isinstance(control, dict) or (control.get("method"), control.get("path")) != ("POST", CLIENTS_PATH):
            continue
        body = control.get("body")
        if isinstance(body, dict) and isinstance(body.get("clientId"), str):
            created.add(body["clientId"])
    return created


def item_index(node: Node) -> int:
    index = node.path[-1]
    assert isinstance(index, int)
    return index


def known_client(node: Node, client_ids: Collection[str]) -> str:
    client_id = node.text()
    if client_id not in client_ids:
        declared = ", ".join(sorted(client_ids)) or "none"
        node.fail(f"unknown client {client_id!r}; the scenario's clients are: {declared}")
    return client_id


def parse_step(node: Node, client_ids: Collection[str]) -> Step:
    if not isinstance(node.value, dict):
        node.fail(f"must be a mapping with one of: {KINDS}")
    kinds = [kind for kind in STEP_KEYS if kind in node.value]
    if len(kinds) != 1:
        found = ", ".join(sorted(str(key) for key in node.value)) or "nothing"
        node.fail(f"unknown step kind (found: {found}); a step has exactly one of: {KINDS}")
    kind = kinds[0]
    fields = node.mapping(required=(kind,), optional=STEP_KEYS[kind])
    literal = read(fields, "literal", flag, False)
    if literal:
        fields = LiteralNode(node.source, node.path, node.value).mapping(required=(kind,), optional=STEP_KEYS[kind])
    action: Action
    if kind == "request":
        if "as" in fields and "authorization" in fields:
            fields["authorization"].fail("give as (log in as a client) or authorization (a header as written), not both")
        action = RequestStep(
            call=parse_call(fields["request"].mapping(required=CALL_REQUIRED, optional=CALL_OPTIONAL), control=False),
            as_client=read(fields, "as", lambda as_node: known_client(as_node, client_ids), None),
            expect=read(fields, "expect", parse_response_expect, None),
            authorization=read(fields, "authorization", Node.text, None),
        )
    elif kind == "control":
        control = fields["control"].mapping(required=CALL_REQUIRED, optional=(*CALL_OPTIONAL, "expect"))
        action = ControlStep(parse_call(control, control=True), read(control, "expect", parse_response_expect, None))
    elif kind == "stream":
        action = parse_stream(fields, client_ids)
    else:
        action = parse_advance(fields["advance"])
    return Step(item_index(node), read(fields, "at", Node.instant, None), action, literal)


def parse_stream(fields: dict[str, Node], client_ids: Collection[str]) -> StreamStep:
    if "as" not in fields:
        fields["stream"].fail("a stream step needs `as` beside it: the client whose token opens the stream")
    stream = fields["stream"].mapping(required=("path",), optional=("subscribe",))
    path = stream["path"].choice(STREAM_PATHS)
    subscribe = read(stream, "subscribe", parse_symbols, None)
    if subscribe is not None and path != QUOTES_PATH:
        stream["subscribe"].fail(f"only the quote stream ({QUOTES_PATH}) takes a subscribe")
    return StreamStep(
        path=path,
        as_client=known_client(fields["as"], client_ids),
        subscribe=subscribe,
        expect=read(fields, "expect", frame_patterns, None),
    )


def parse_symbols(node: Node) -> tuple[str, ...]:
    symbols = tuple(item.choice(tuple(INSTRUMENTS)) for item in node.items())
    if not symbols:
        node.fail("must name one or more symbols")
    return symbols


def frame_patterns(node: Node) -> list[Any]:
    """One subset pattern per frame the step reads: `[]` when none may arrive."""
    return [item.json() for item in node.items()]


def flag(node: Node) -> bool:
    if not isinstance(node.value, bool):
        node.fail(f"must be true or false, not {describe(node.value)}")
    return node.value


def parse_call(fields: dict[str, Node], *, control: bool) -> HttpCall:
    path = fields["path"].text()
    if not path.startswith("/"):
        fields["path"].fail("must start with /")
    if control and not path.startswith(CONTROL_PREFIX):
        fields["path"].fail(f"must start with {CONTROL_PREFIX} (use a request step for the vendor API)")
    if "body" in fields and "raw_body" in fields:
        fields["raw_body"].fail("give body (JSON) or raw_body (sent as written), not both")
    return HttpCall(
        method=fields["method"].choice(METHODS),
        path=path,
        body=read(fields, "body", Node.json, None),
        query={key: query_value(value) for key, value in named(fields, "query").items()},
        raw_body=read(fields, "raw_body", raw_body, None),
    )


def raw_body(node: Node) -> str | bytes:
    """Text is sent as written, placeholders included; !!binary for bytes that are not UTF-8."""
    if not isinstance(node.value, (str, bytes)):
        node.fail(f"must be a string (sent as written) or !!binary, not {describe(node.value)}")
    return node.value


def query_value(node: Node) -> str:
    """Query values are strings on the wire; whole numbers are written as such."""
    if isinstance(node.value, int) and not isinstance(node.value, bool):
        return str(node.value)
    return node.text()


def parse_response_expect(node: Node) -> ResponseExpect:
    fields = node.mapping(optional=("status", "body"))
    if not fields:
        node.fail("give status, body or both")
    status = read(fields, "status", lambda status_node: status_node.integer(minimum=100), None)
    if status is not None and status > 599:
        fields["status"].fail("must be an HTTP status between 100 and 599")
    return ResponseExpect(status, read(fields, "body", Node.json, None))


def parse_advance(node: Node) -> AdvanceStep:
    fields = node.mapping(optional=("to", "seconds"))
    if len(fields) != 1:
        node.fail("give exactly one of: to (an instant), seconds (a number)")
    return AdvanceStep(read(fields, "to", Node.instant, None), read(fields, "seconds", Node.seconds, None))


def parse_expectations(node: Node, client_ids: Collection[str]) -> Expectations:
    fields = node.mapping(optional=("events", "files", "emails"))
    return Expectations(
        events=tuple(parse_event_expect(item, client_ids) for item in listed(fields, "events")),
        files=tuple(parse_file_expect(item, client_ids) for item in listed(fields, "files")),
        emails=tuple(parse_email_expect(item, client_ids) for item in listed(fields, "emails")),
    )


def count_of(fields: dict[str, Node]) -> int | None:
    return read(fields, "count", lambda count: count.integer(minimum=0), None)


def parse_event_expect(node: Node, client_ids: Collection[str]) -> EventExpect:
    fields = node.mapping(required=("client",), optional=("event_type", "match", "count"))
    return EventExpect(
        index=item_index(node),
        client=known_client(fields["client"], client_ids),
        event_type=read(fields, "event_type", Node.text, None),
        match=read(fields, "match", Node.json_object, {}),
        count=count_of(fields),
    )


def parse_file_expect(node: Node, client_ids: Collection[str]) -> FileExpect:
    fields = node.mapping(required=("client", "key"), optional=("contains", "equals"))
    return FileExpect(
        index=item_index(node),
        client=known_client(fields["client"], client_ids),
        key=fields["key"].text(),
        contains=tuple(part.text() for part in listed(fields, "contains")),
        equals=read(fields, "equals", Node.text, None),
    )


def parse_email_expect(node: Node, client_ids: Collection[str]) -> EmailExpect:
    fields = node.mapping(required=("client",), optional=("to", "subject_contains", "count"))
    return EmailExpect(
        index=item_index(node),
        client=known_client(fields["client"], client_ids),
        to=read(fields, "to", Node.text, None),
        subject_contains=read(fields, "subject_contains", Node.text, None),
        count=count_of(fields),
    )
