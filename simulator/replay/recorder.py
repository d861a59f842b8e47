"""`serve --record`: the dispatch the server mounts, writing each request as a step.

The recorder runs nothing itself: it observes the runtime's one dispatch,
which tells it of each request, with its answer and the instant it ran at,
before the next request runs. So the file's order is the order the sandbox
ran the requests in, whatever the server's threads do, and `at` is exactly
when a request ran (a realtime clock cannot move between the reading and
the running): a replay moves the clock there first.
"""
from __future__ import annotations

import json
import sys
import threading
from collections.abc import Callable, Mapping
from typing import Any

import yaml

from simulator.api.dispatch import Answered
from simulator.api.http import ApiRequest, ApiResponse
from simulator.replay.recording import Exchange, RecordingFile, step_document
from simulator.replay.scenario import CONTROL_PREFIX, METHODS
from simulator.runtime import Runtime
from simulator.service.clients import bare_token

CLOCK_PATHS = (f"{CONTROL_PREFIX}clock", f"{CONTROL_PREFIX}clock/advance")
MANUAL = "manual"


class SessionRecorder:
    """Sends each request to `runtime`'s dispatch and, once started, appends it with its answer to a file.

    `refused` tells a control call the admin token turned away: it changed
    nothing, and a replay (which has no admin token) could not refuse it, so
    it is left out with a comment. `aws_endpoint` is the embedded AWS's URL,
    which a replay's answers cannot hold.
    """

    def __init__(self, runtime: Runtime, refused: Callable[[ApiRequest], bool], aws_endpoint: str) -> None:
        self._runtime = runtime
        self._refused = refused
        self._aws_endpoint = aws_endpoint
        self._lock = threading.Lock()
        """The dispatch tells of requests one at a time; this keeps `start` and `close`, from the server's thread, out of a write."""
        self._file: RecordingFile | None = None
        self._clock_ns = runtime.core.now
        """Where the clock stood after the previous recorded request: a replay is there too."""
        self._latest_tokens: dict[str, str] = {}
        """client -> the token its latest recorded login returned."""

    def start(self, file: RecordingFile) -> None:
        """Record into `file` from now on. The server opens it, and so overwrites
        an earlier recording, only once it listens: a server that cannot start
        leaves that recording as it was."""
        with self._lock:
            self._file = file
            self._clock_ns = self._runtime.core.now

    def __call__(self, request: ApiRequest) -> ApiResponse:
        return self._runtime.dispatch.answer(request, self._heard).response

    def _heard(self, answered: Answered) -> None:
        """One request as it ran: told by the dispatch before the next one runs."""
        with self._lock:
            if answered.login is not None:
                self._latest_tokens[answered.login.client_id] = answered.login.token
            if self._file is not None and not self._file.closed:
                self._record(self._file, answered)

    def close(self) -> None:
        """Stop writing: requests still answered while the server stops are not recorded."""
        with self._lock:
            if self._file is not None:
                self._file.close()

    def _record(self, file: RecordingFile, answered: Answered) -> None:
        """Append the request's step. A file that cannot take it (a full disk)
        ends the recording, not the serving: the client still gets its answer."""
        request, response = answered.request, answered.response
        try:
            if self._replayable(file, request, response.status):
                at_ns = None if answered.ran_ns == self._clock_ns else answered.ran_ns
                exchange = Exchange(
                    request.method, request.path, request.query, request.body, self._auth(request), at_ns,
                    response.status, self._expected(request, json.loads(response.body)),
                )  # fmt: skip
                file.append(step_document(exchange))
                self._clock_ns = answered.settled_ns
        except (OSError, yaml.YAMLError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            file.stop(reason)
            print(
                f"warning: --record {file.path}: recording stopped: {reason}. "
                "The file keeps the requests before this one; the server goes on serving.",
                file=sys.stderr,
                flush=True,
            )

    def _replayable(self, file: RecordingFile, request: ApiRequest, status: int) -> bool:
        """False, with a comment in the file, for a request a scenario cannot send.

        Both kinds are answered before the sandbox runs anything, so leaving
        them out changes nothing that follows.
        """
        where = f"{request.method} {json.dumps(request.path)}"
        if request.method not in METHODS:
            file.note(f"not recorded: {where} answered {status}; a scenario sends only {' and '.join(METHODS)}")
            return False
        if status == 401 and request.path.startswith(CONTROL_PREFIX) and self._refused(request):
            file.note(f"not recorded: {where} answered 401 for its X-Admin-Token")
            return False
        return True

    def _auth(self, request: ApiRequest) -> Mapping[str, str]:
        """`as` for the latest token a recorded login gave a client, the header as sent otherwise.

        The replay's logins return the same tokens in the same order, so `as`
        sends the very token the session sent; an older, an invalid or a
        malformed token is sent as written.
        """
        header = request.headers.get("authorization")
        if header is None:
            return {}
        token = bare_token(header)
        for client, latest in self._latest_tokens.items():
            if latest == token:
                return {"as": client}
        return {"authorization": header}

    def _expected(self, request: ApiRequest, answer: Any) -> Any:
        """The answer a replay must give. What only this server can say is left
        out: URLs under the embedded AWS's endpoint (a provisioning answer's
        `queueUrl`) or the streams' (`GET /config`'s) and,
        since a replay's clock is manual, a realtime clock's `mode`."""
        expected = self._without_endpoint(answer)
        if self._runtime.clock_mode == MANUAL or request.path not in CLOCK_PATHS or not isinstance(expected, dict):
            return expected
        return {key: value for key, value in expected.items() if key != "mode"}

    def _without_endpoint(self, value: Any) -> Any:
        if isinstance(value, dict):
            served_here = (f"{self._aws_endpoint}/", f"{self._runtime.stream_url}/")
            return {
                key: self._without_endpoint(item)
                for key, item in value.items()
                if not (isinstance(item, str) and item.startswith(served_here))
            }
        if isinstance(value, list):
            return [self._without_endpoint(item) for item in value]
        return value
