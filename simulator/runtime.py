"""The runtime both live modes share: the current core, the one dispatch,
and, with a durable log, the recording and replay of commands.

What a client is shown never runs ahead of the log: a command is written
before it runs, and the realtime clock marks its target before it moves
there, so a restart after kill -9 resumes at or after every instant any
answer, file or email had shown.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from simulator.adapters.command_log import CommandLog, LoggedCommand, LogUnavailable
from simulator.api.apex_routes import APEX_ROUTES
from simulator.api.control_routes import CONTROL_ROUTES
from simulator.api.dispatch import Dispatcher, Route
from simulator.api.docs_routes import DOCS_ROUTES
from simulator.api.gift_routes import GIFT_ROUTES
from simulator.api.http import ApiRequest, ApiResponse
from simulator.api.order_routes import ORDER_ROUTES
from simulator.api.stream_frames import RESET
from simulator.api.stream_hub import StreamHub
from simulator.engine.gc_pause import gc_paused
from simulator.service.core import SandboxCore
from simulator.service.errors import ApiError
from simulator.service.ports import Ports

ROUTES = (*APEX_ROUTES, *GIFT_ROUTES, *ORDER_ROUTES, *CONTROL_ROUTES, *DOCS_ROUTES)
CoreFactory = Callable[[int], SandboxCore]
"""Builds an empty core for a seed (the composition root's `compose_core`, its other parts bound)."""


class Runtime:
    """A sandbox as it lives on across resets: which core is current, the one
    dispatch every mount (in-process, WSGI, replay) calls, the current core's
    streams, and, with `--db`, the log that makes a restart resume where it
    stopped.

    A core is one seed's world from its start; a reset swaps it for a new one
    built by `build`, and the ports are cleared with it. `stream_url` is
    where clients reach the streams (`ws://...` from `serve`, `wss://...`
    under an in-process sandbox's base URL), which `GET /config` answers.
    """

    def __init__(
        self,
        *,
        build: CoreFactory,
        seed: int,
        ports: Ports,
        clock_mode: str,
        control_guard: Callable[[ApiRequest], None],
        stream_url: str,
        log: CommandLog | None = None,
    ) -> None:
        self.seed = seed
        self.stream_url = stream_url
        self.clock_mode = clock_mode
        self._build = build
        self._ports = ports
        self._log = log
        self._replaying = False
        self.epoch = 0
        """Resets so far: deletions recorded in the log belong to one epoch."""
        self._core = build(seed)
        self._feeds = StreamHub(self._core)
        if log is not None:
            ports.queues.watch_deletions(self._record_deleted)
        self._control_guard = control_guard
        self.routes: Sequence[Route] = ROUTES
        recorder = self._record if log is not None else None
        self.dispatch = Dispatcher(self, ROUTES, self._guard, recorder)

    @property
    def core(self) -> SandboxCore:
        return self._core

    @property
    def feeds(self) -> StreamHub:
        """The current core's streams."""
        return self._feeds

    def reset(self, seed: int | None) -> None:
        """Back to an empty sandbox at the original start, with a new seed if given."""
        self._feeds.close(RESET)
        self._ports.clear()
        self.epoch += 1
        if seed is not None:
            self.seed = seed
        self._core = self._build(self.seed)
        self._feeds = StreamHub(self._core)

    def call(
        self, method: str, path: str, body: Any = None, *, token: str | None = None, query: dict[str, str] | None = None
    ) -> ApiResponse:
        """One request without HTTP: the same dispatch the mounts use."""
        headers = {"authorization": token} if token else {}
        raw = b"" if body is None else json.dumps(body).encode()
        return self.dispatch(ApiRequest(method.upper(), path, query or {}, headers, raw))

    def _guard(self, request: ApiRequest) -> None:
        """The admin token was checked when the command first ran, and is not logged."""
        if not self._replaying:
            self._control_guard(request)

    # durability

    def _record(self, request: ApiRequest, sim_ns: int) -> None:
        """Log an admitted command before it runs; a log that cannot take it answers 503 and nothing runs."""
        if self._log is not None and not self._replaying:
            authorization = request.headers.get("authorization")
            command = LoggedCommand(sim_ns, request.method, request.path, dict(request.query), authorization, request.body)
            try:
                self._log.append(command)
            except LogUnavailable as exc:
                raise ApiError(503, f"durable log unavailable: {exc}") from None

    def replay_log(self) -> int:
        """Rebuild the state from the log: each command again at its instant.

        Envelopes the consumer deleted before are not delivered again.
        """
        assert self._log is not None
        deleted = self._log.deleted()
        self._replaying = True
        count = 0
        try:
            with gc_paused():  # a bulk load of long-lived objects
                for command in self._log.commands():
                    self._core.outbox.suppressed = deleted.get(self.epoch, set())
                    if command.sim_ns > self._core.now:
                        self._core.kernel.run_to(command.sim_ns)
                    headers = {"authorization": command.authorization} if command.authorization else {}
                    self.dispatch.run(ApiRequest(command.method, command.path, command.query, headers, command.body))
                    count += 1
                self._core.outbox.suppressed = deleted.get(self.epoch, set())
                clock = self._log.clock_mark(self.epoch)
                if clock is not None and clock > self._core.now:
                    self._core.kernel.run_to(clock)
        finally:
            self._replaying = False
        return count

    def _record_deleted(self, message_id: str) -> None:
        if self._log is not None:
            self._log.record_deleted(self.epoch, message_id)

    def mark_clock(self, target_ns: int) -> None:
        """Log the instant the realtime clock is about to run to (under the
        kernel lock, before it moves). Raises LogUnavailable if it cannot be
        kept: the clock must then stay where it is."""
        if self._log is not None and not self._replaying:
            self._log.mark_clock(self.epoch, target_ns)
