"""The API-latency fault delays /apex-crypto answers and never holds a control call (CONTRACT 15).

Each delayed answer sleeps in a server worker thread. With more delayed
requests in flight than the server has threads, a control call (the one
that turns the fault off, say) must still answer at once.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable

from e2e_target import INVESTORS, START, Client, expect, new_session, start_server

LATENCY_MS = 4000
IN_FLIGHT = 40
PROMPT_SECONDS = 1.0
"""Far below one delay: a control call that waited for a sleeping worker would take LATENCY_MS."""
PROBES = 5


def timed(call: Callable[[], object]) -> float:
    started = time.monotonic()
    call()
    return time.monotonic() - started


def test_control_calls_answer_promptly_while_delayed_api_calls_are_in_flight() -> None:
    server = start_server("--clock", "manual", "--start", START)
    try:
        target = server.target()
        acme = target.provision("acme", accounts=INVESTORS)
        expect(target.control("POST", "/faults", {"api": {"latencyMs": LATENCY_MS}}), 200)
        answers: list[tuple[int, float]] = []
        sending = threading.Barrier(IN_FLIGHT + 1)

        def delayed(client: Client) -> None:
            session = new_session()
            sending.wait()
            started = time.monotonic()
            status = client.request("GET", "/accounts/INV00001", session=session).status_code
            answers.append((status, time.monotonic() - started))

        threads = [threading.Thread(target=delayed, args=(acme,)) for _ in range(IN_FLIGHT)]
        for thread in threads:
            thread.start()
        sending.wait()
        probes = [timed(lambda: expect(target.control("GET", "/clock"), 200)) for _ in range(PROBES)]
        switch_off = timed(lambda: expect(target.control("POST", "/faults", {"api": {"latencyMs": 0}}), 200))
        for thread in threads:
            thread.join(timeout=60)
        assert max(probes) < PROMPT_SECONDS and switch_off < PROMPT_SECONDS, (probes, switch_off)
        assert [status for status, _ in answers] == [200] * IN_FLIGHT
        assert any(seconds >= LATENCY_MS / 1000 for _, seconds in answers), "the fault still delays answers"
    finally:
        assert server.stop() == 0, server.stderr_text()
