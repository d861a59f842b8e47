"""The clock and reset through the service layer, and the control API's answers on top of them."""
from __future__ import annotations

import pytest
from sandbox_session import START, control, expect, provision

from simulator import Sandbox
from simulator.engine.clock import NS_PER_SECOND, parse_instant
from simulator.engine.kernel import TimeTravelError
from simulator.service.control_clock import AdvanceClock, advance_clock
from simulator.service.control_reset import Reset, Restarted, reset

START_NS = parse_instant(START)


def test_an_advance_answers_the_instant_it_reached(sandbox: Sandbox) -> None:
    target = START_NS + 90 * NS_PER_SECOND
    assert advance_clock(sandbox.core, AdvanceClock(target)) == target
    assert advance_clock(sandbox.core, AdvanceClock(target)) == target, "to the current instant moves nothing"


def test_an_advance_into_the_past_raises_and_leaves_the_clock(sandbox: Sandbox) -> None:
    advance_clock(sandbox.core, AdvanceClock(START_NS + NS_PER_SECOND))
    with pytest.raises(TimeTravelError):
        advance_clock(sandbox.core, AdvanceClock(START_NS))
    assert sandbox.core.now == START_NS + NS_PER_SECOND


def test_the_control_api_quotes_the_instant_as_written(sandbox: Sandbox) -> None:
    expect(control(sandbox, "POST", "/clock/advance", {"seconds": 10}), 200)
    answer = expect(control(sandbox, "POST", "/clock/advance", {"to": "2026-03-02T08:00:00-06:00"}), 400)
    assert answer["message"] == (
        "to: 2026-03-02T08:00:00-06:00 is before the current time 2026-03-02T14:00:10.000Z; time never goes backward"
    )
    assert expect(control(sandbox, "POST", "/clock/advance", {"to": "2036-03-02T14:00:00Z"}), 400)["message"] == (
        "to: at most 10 years ahead of the current time"
    )


def test_a_reset_starts_over_at_the_start_with_the_seed_given(sandbox: Sandbox) -> None:
    provision(sandbox, "acme")
    advance_clock(sandbox.core, AdvanceClock(START_NS + 3600 * NS_PER_SECOND))
    assert reset(sandbox.runtime, Reset(seed=11)) == Restarted(11, START_NS)
    assert sandbox.core.clients == {}
    assert reset(sandbox.runtime, Reset()) == Restarted(11, START_NS), "without a seed, the current one stays"
