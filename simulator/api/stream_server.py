"""`serve`'s streams on a WebSocket port of their own (`websockets`' asyncio server).

One thread runs one event loop for every connection, so fifty idle
subscribers are fifty coroutines waiting, not threads. Each connection has:

- its buffer (`stream_buffers`), registered with the current world's hub
  while the upgrade is checked, before it is answered, so a client that has
  connected sees every frame published after that;
- a sender task, woken by the hub through `call_soon_threadsafe` when its
  buffer stops being empty, which sends what waits. Only the sender ever
  waits on a slow socket: the clock, the dispatch and the other connections
  never do. What waits is bounded: the buffer, websockets' write buffer
  (WRITE_LIMIT_BYTES) and the kernel's send buffer (SEND_BUFFER_BYTES); a
  client that never reads stops answering pings and is closed after the
  keepalive timeout (20 s, then 20 s for the pong);
- the handler, reading the client's messages (`subscribe`).

Anything that takes the kernel lock (opening, subscribing) runs in a worker
thread, so a long advance delays those calls but never the event loop.
Stopping closes every connection with 1001; a connection still open
CLOSE_TIMEOUT later (a client that never reads cannot even take the close
frame) is dropped.
"""
from __future__ import annotations

import asyncio
import json
import socket
import threading
from collections.abc import Callable
from http import HTTPStatus
from urllib.parse import parse_qs, urlsplit

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from simulator.api.http import error_body
from simulator.api.stream_buffers import GONE, StreamBuffer
from simulator.api.stream_frames import REFUSED_MESSAGE, FrameError
from simulator.api.stream_hub import StreamHub, StreamRefused

CLOSE_TIMEOUT = 2.0
"""Seconds a closing handshake may take before the connection is dropped."""
MAX_MESSAGE_BYTES = 64 * 1024
"""A subscribe naming every symbol is well under 1 KiB."""
SEND_BUFFER_BYTES = 64 * 1024
"""The kernel's send buffer of a stream connection. Left alone, Linux grows it up to
4 MiB on loopback: memory a client that never reads would hold in the sandbox."""
WRITE_LIMIT_BYTES = 32 * 1024
"""websockets' own write buffer: past it, only that connection's sender waits."""


class StreamServer:
    """The WebSocket endpoint of `serve`, streaming whichever world `feeds` returns (a reset swaps it)."""

    def __init__(self, feeds: Callable[[], StreamHub], host: str, port: int = 0) -> None:
        """Bind the port now (OSError if it cannot be), so `port` is known before anything starts."""
        self._feeds = feeds
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self._socket = socket.create_server((host.strip("[]"), port), family=family)
        self.port: int = self._socket.getsockname()[1]
        self._runner = asyncio.Runner(loop_factory=asyncio.new_event_loop)  # made here, run on its thread; no thread's current loop
        self._loop = self._runner.get_loop()
        self._stop = asyncio.Event()
        self._admitted: dict[ServerConnection, tuple[StreamHub, StreamBuffer, asyncio.Event]] = {}
        self._watchers: set[asyncio.Task[None]] = set()
        self._thread = threading.Thread(target=self._run, name="bakkt-sandbox-streams", daemon=True)

    def start(self) -> None:
        """Serve connections; the port already listens, so a client may connect as soon as it is known."""
        self._thread.start()

    def stop(self) -> None:
        """Close every connection (1001) and end the loop; a server never started just lets its port go."""
        if self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._stop.set)
            self._thread.join()
        else:
            self._socket.close()
            self._runner.close()

    def _run(self) -> None:
        with self._runner:
            self._runner.run(self._serve())

    async def _serve(self) -> None:
        server: Server = await serve(
            self._handle,
            sock=self._socket,
            process_request=self._admit,
            compression=None,  # frames of a few hundred bytes: deflate would cost more than it saves
            max_size=MAX_MESSAGE_BYTES,
            write_limit=WRITE_LIMIT_BYTES,
            close_timeout=CLOSE_TIMEOUT,
            server_header="bakkt-sandbox",
        )
        await self._stop.wait()
        server.close()  # 1001 to every connection
        try:
            async with asyncio.timeout(CLOSE_TIMEOUT):
                await server.wait_closed()
        except TimeoutError:  # a client that never reads cannot take its close frame: drop it
            for connection in server.all_connections:
                connection.transport.abort()
            await server.wait_closed()

    async def _admit(self, connection: ServerConnection, request: Request) -> Response | None:
        """The upgrade's answer: 404 for another path, 401 without a valid token, else
        None (101), the stream registered first."""
        connection.transport.get_extra_info("socket").setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SEND_BUFFER_BYTES)
        url = urlsplit(request.path)
        tokens = parse_qs(url.query).get("token")
        authorization = request.headers.get("Authorization") or (tokens[0] if tokens else None)
        loop = asyncio.get_running_loop()
        ready = asyncio.Event()

        def notify() -> None:
            try:
                loop.call_soon_threadsafe(ready.set)
            except RuntimeError:  # the loop has ended: the server stopped
                pass

        hub = self._feeds()
        try:
            buffer = await asyncio.to_thread(hub.open, url.path, authorization, notify)
        except StreamRefused as exc:
            response = connection.respond(HTTPStatus(exc.status), json.dumps(error_body(exc.status, exc.message)))
            response.headers["Content-Type"] = "application/json"
            return response
        self._admitted[connection] = (hub, buffer, ready)
        watcher = asyncio.create_task(self._forget_when_closed(connection, buffer))
        self._watchers.add(watcher)
        watcher.add_done_callback(self._watchers.discard)
        return None

    async def _forget_when_closed(self, connection: ServerConnection, buffer: StreamBuffer) -> None:
        """However the connection ends (the upgrade failing too), its buffer closes and the hub drops it."""
        await connection.wait_closed()
        self._admitted.pop(connection, None)
        buffer.close(GONE)

    async def _handle(self, connection: ServerConnection) -> None:
        hub, buffer, ready = self._admitted.pop(connection)
        sender = asyncio.create_task(self._send(connection, buffer, ready))
        try:
            async for message in connection:
                text = message if isinstance(message, str) else message.decode("utf-8", errors="replace")
                try:
                    await asyncio.to_thread(hub.receive, buffer, text)
                except FrameError as exc:
                    await connection.close(REFUSED_MESSAGE, str(exc))
                    break
        finally:
            sender.cancel()

    @staticmethod
    async def _send(connection: ServerConnection, buffer: StreamBuffer, ready: asyncio.Event) -> None:
        """Send what waits each time the hub says something does; close as the hub says."""
        try:
            while True:
                await ready.wait()
                ready.clear()
                closing = buffer.closing  # read before taking: a closed buffer takes no more frames
                for frame in buffer.take():
                    await connection.send(frame)
                if closing is not None and closing is not GONE:
                    await connection.close(closing.code, closing.reason)
                    return
        except ConnectionClosed:
            pass
