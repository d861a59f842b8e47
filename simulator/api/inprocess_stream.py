"""`Sandbox.stream`: a stream read in Python, frame for frame what a WebSocket client reads.

It reads the very buffer a `serve` connection's sender reads, so the frames,
their order and what a slow reader misses are the same; only the transport
is missing. Iterating gives the frames waiting now and never blocks, which
suits the manual clock (advance, then read); `wait` blocks for the realtime
clock.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any, Protocol
from urllib.parse import parse_qs, urlsplit

from simulator.api.stream_buffers import GONE, StreamBuffer
from simulator.api.stream_frames import Closing
from simulator.api.stream_hub import StreamHub
from simulator.errors import SandboxError


class StreamHost(Protocol):
    """Owns the current streams and knows where clients reach them (the runtime)."""

    stream_url: str

    @property
    def feeds(self) -> StreamHub: ...


class StreamClosed(SandboxError):
    """The stream ended (a reset, the sandbox stopping, a reader too slow, or `close`): what a WebSocket close says."""

    def __init__(self, closing: Closing) -> None:
        super().__init__(f"the stream closed ({closing.code}): {closing.reason}")
        self.code = closing.code
        self.reason = closing.reason


class Stream:
    """One open stream. Iterate it for the frames waiting now (parsed JSON); once it
    has closed and nothing waits, iterating raises StreamClosed, as a WebSocket
    client's read raises once the close frame is reached."""

    def __init__(self, hub: StreamHub, buffer: StreamBuffer) -> None:
        self._hub = hub
        self._buffer = buffer

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return self._parsed(self._buffer.take())

    def wait(self, timeout: float) -> list[dict[str, Any]]:
        """The frames waiting, waiting up to `timeout` seconds of wall time for one
        (under the realtime clock); an empty list if none came."""
        return list(self._parsed(self._buffer.wait(timeout)))

    def send(self, message: dict[str, Any]) -> None:
        """What a WebSocket client sends as a text frame; ValueError if the stream cannot take it."""
        self._hub.receive(self._buffer, json.dumps(message))

    def subscribe(self, symbols: Iterable[str]) -> None:
        """Quotes of these symbols only, starting with the current quote of each."""
        self.send({"subscribe": list(symbols)})

    def close(self) -> None:
        self._buffer.close(GONE)

    def __enter__(self) -> Stream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _parsed(self, frames: list[str]) -> Iterator[dict[str, Any]]:
        for frame in frames:
            yield json.loads(frame)
        closing = self._buffer.closing
        if closing is not None and not frames:
            raise StreamClosed(closing)


def open_stream(host: StreamHost, url: str, token: str | None) -> Stream:
    """Open the stream `url` names (a URL under `host.stream_url`, or a bare path)."""
    parts = urlsplit(url)
    if (parts.scheme or parts.netloc) and f"{parts.scheme}://{parts.netloc}" != host.stream_url:
        raise SandboxError(f"{url} is not a stream of this sandbox: its streams are under {host.stream_url}")
    query_token = parse_qs(parts.query).get("token")
    authorization = token or (query_token[0] if query_token else None)
    hub = host.feeds
    return Stream(hub, hub.open(parts.path, authorization))
