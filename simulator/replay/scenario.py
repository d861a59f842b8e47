"""A scenario as frozen data: what to set up, what to do, what must hold.

`loader.load_scenario` builds these from YAML and guarantees their shape;
placeholders (`${uuid:NAME}`) are still unresolved here, because their value
depends on the seed the run uses.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

SCENARIO_VERSION = 1
METHODS = ("GET", "POST")
CONTROL_PREFIX = "/sandbox/v1/"
CLIENTS_PATH = "/sandbox/v1/clients"


@dataclass(frozen=True)
class ClientSetup:
    """One client to provision, then its investor accounts."""

    client_id: str
    body: Mapping[str, Any]
    """The body of POST /sandbox/v1/clients, `clientId` included."""
    accounts: tuple[Mapping[str, Any], ...]
    """Bodies of POST /sandbox/v1/clients/{clientId}/accounts, in order."""


@dataclass(frozen=True)
class HttpCall:
    method: str
    path: str
    body: Any = None
    """JSON body; None sends no body."""
    query: Mapping[str, str] = field(default_factory=dict)
    raw_body: str | bytes | None = None
    """Bytes sent exactly as written, instead of `body`: a body that is not
    JSON, so a client's malformed request can be replayed."""

    def payload(self) -> bytes:
        """The request body on the wire."""
        if isinstance(self.raw_body, bytes):
            return self.raw_body
        if self.raw_body is not None:
            return self.raw_body.encode()
        return b"" if self.body is None else json.dumps(self.body).encode()


@dataclass(frozen=True)
class ResponseExpect:
    """What the answer must show; a None field is not checked."""

    status: int | None
    body: Any
    """Subset pattern for the JSON answer (see `matching`)."""


@dataclass(frozen=True)
class RequestStep:
    """A call to the API, logged in as `as_client` (no token when None).

    `authorization` instead sends that Authorization header as written: a
    token no login of the scenario returned, such as an invalid one.
    """

    call: HttpCall
    as_client: str | None
    expect: ResponseExpect | None
    authorization: str | None = None


@dataclass(frozen=True)
class ControlStep:
    """A call to the control API; without `expect` it must answer 2xx.

    Control calls change the world the scenario runs in (an outage, a
    deposit), so one that fails silently would make later failures puzzling.
    """

    call: HttpCall
    expect: ResponseExpect | None


@dataclass(frozen=True)
class AdvanceStep:
    """Move the simulated clock to an instant or by a number of seconds."""

    to: str | None
    seconds: float | None


@dataclass(frozen=True)
class StreamStep:
    """Read the frames a stream holds now, as `as_client` (a WebSocket client's
    reads, in process). A client's first step on a path opens that stream, so
    later steps read what arrived since the previous one. `subscribe` sends
    `{"subscribe": [...]}` before reading; `expect` is a list with one subset
    pattern per frame read (None: not checked)."""

    path: str
    as_client: str
    subscribe: tuple[str, ...] | None
    expect: list[Any] | None


Action = RequestStep | ControlStep | AdvanceStep | StreamStep


@dataclass(frozen=True)
class Step:
    index: int
    at: str | None
    """Advance the clock to this instant before the action."""
    action: Action
    literal: bool = False
    """Strings are used as written: `${uuid:NAME}` is not replaced (a recorded
    request or answer that holds such text)."""

    @property
    def where(self) -> str:
        return f"steps[{self.index}]"


@dataclass(frozen=True)
class EventExpect:
    """Journal events of `client` whose payload contains `match`.

    With `count` exactly that many must match; without it, at least one.
    """

    index: int
    client: str
    event_type: str | None
    match: Mapping[str, Any]
    count: int | None


@dataclass(frozen=True)
class FileExpect:
    """An S3 object of `client` holding every `contains` substring (and `equals`, if given)."""

    index: int
    client: str
    key: str
    contains: tuple[str, ...]
    equals: str | None


@dataclass(frozen=True)
class EmailExpect:
    """Emails of `client`, optionally to one address and with a subject fragment."""

    index: int
    client: str
    to: str | None
    subject_contains: str | None
    count: int | None


@dataclass(frozen=True)
class Expectations:
    events: tuple[EventExpect, ...] = ()
    files: tuple[FileExpect, ...] = ()
    emails: tuple[EmailExpect, ...] = ()


@dataclass(frozen=True)
class Scenario:
    source: str
    """The file it came from, as given by the user."""
    name: str
    description: str
    seed: int
    start: str
    market: Mapping[str, Mapping[str, Any]]
    """Body of POST /sandbox/v1/market/{symbol} per symbol, applied first."""
    clients: tuple[ClientSetup, ...]
    steps: tuple[Step, ...]
    expect: Expectations
