"""The scenario step kind `stream`: QA asserts on the quote and order event streams (README "Scenarios")."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from simulator.replay import load_scenario
from simulator.replay.errors import ScenarioError
from simulator.replay.runner import run_scenario

README = Path(__file__).resolve().parents[2] / "README.md"
HEAD = """\
version: 1
name: streams
seed: 7
start: "2026-03-02T14:00:00Z"
market:
  BTCUSD: {price: "43000.00", volatility: 0, spreadBps: 10}
clients:
  acme:
    accounts: [{count: 1, prefix: INV, holdings: {BTC: "0.5"}}]
steps:
"""
ORDER = """\
  - as: acme
    request:
      method: POST
      path: /apex-crypto/api/v2/orders
      body: {clientOrderId: "${uuid:o1}", account: INV00001, side: SELL, type: MARKET, timeInForce: IOC,
             symbol: BTCUSD, quantity: "0.01"}
    expect: {status: 201}
"""


def scenario(tmp_path: Path, steps: str) -> Path:
    path = tmp_path / "streams.yaml"
    path.write_text(HEAD + steps, encoding="utf-8")
    return path


def test_the_readme_stream_steps_replay_inside_the_example_scenario(tmp_path: Path) -> None:
    text = README.read_text()
    example = next(block for block in re.findall(r"^```yaml\n(.*?)^```$", text, re.S | re.M) if block.startswith("version: 1"))
    (steps,) = [block for block in re.findall(r"^```yaml\n(.*?)^```$", text, re.S | re.M) if block.startswith("  - stream:")]
    first_step_ends = example.index("  - as: acme\n    request:\n      method: POST\n      path: /apex-crypto/api/v2/allocation/trade/batch/allocate")
    path = tmp_path / "my-first-batch.yaml"
    path.write_text(example[:first_step_ends] + steps + example[first_step_ends:], encoding="utf-8")
    result = run_scenario(load_scenario(path))
    assert result.failures == ()
    assert sum(1 for step in yaml.safe_load(path.read_text())["steps"] if "stream" in step) == 3


def test_frames_are_read_as_they_arrive_and_checked_one_pattern_per_frame(tmp_path: Path) -> None:
    path = scenario(
        tmp_path,
        """\
  - stream: {path: /socket/quotes, subscribe: [BTCUSD]}
    as: acme
    expect: [{symbol: BTCUSD, bid: "42978.50", ask: "43021.5", price: "43000", timestamp: "2026-03-02T14:00:00.000000000Z"}]
  - stream: {path: /socket/order_entry/events}
    as: acme
    expect: []
  - advance: {seconds: 10}
"""
        + ORDER
        + """\
  - advance: {seconds: 1}
  - stream: {path: /socket/quotes}
    as: acme
    expect: [{symbol: BTCUSD, timestamp: "2026-03-02T14:00:11.000000000Z"}]
  - stream: {path: /socket/order_entry/events}
    as: acme
    expect: [{request: {clientOrderId: "${uuid:o1}"}, status: IN_PROGRESS}, {request: {clientOrderId: "${uuid:o1}"}, status: COMPLETE}]
  - stream: {path: /socket/order_entry/events}
    as: acme
    expect: []
""",
    )
    assert run_scenario(load_scenario(path)).failures == ()


def test_a_stream_expectation_that_does_not_hold_names_the_step_and_shows_the_frames(tmp_path: Path) -> None:
    path = scenario(
        tmp_path,
        """\
  - stream: {path: /socket/quotes, subscribe: [BTCUSD]}
    as: acme
  - advance: {seconds: 5}
  - stream: {path: /socket/quotes}
    as: acme
    expect: [{symbol: BTCUSD}, {symbol: BTCUSD}]
""",
    )
    first, second = run_scenario(load_scenario(path)), run_scenario(load_scenario(path))
    (failure,) = first.failures
    assert failure.where == "steps[2].expect"
    assert failure.message.startswith("STREAM /socket/quotes\nframes: expected a list of 2, actual a list of 1")
    assert failure.message.splitlines()[2:] == ["frames read: 1", f"  {failure.message.splitlines()[3].strip()}"]
    assert '"timestamp": "2026-03-02T14:00:05.000000000Z"}' in failure.message.splitlines()[3]
    assert second.failures == first.failures, "the same seed and steps read the same frames"


@pytest.mark.parametrize(
    ("step", "key", "problem"),
    [
        ("  - stream: {path: /socket/trades}\n    as: acme\n", "steps[0].stream.path", "must be one of /socket/quotes, /socket/order_entry/events"),
        ("  - stream: {path: /socket/quotes}\n", "steps[0].stream", "a stream step needs `as`"),
        ("  - stream: {path: /socket/quotes}\n    as: nobody\n", "steps[0].as", "unknown client 'nobody'"),
        ("  - stream: {path: /socket/quotes, subscribe: [NOPEUSD]}\n    as: acme\n", "steps[0].stream.subscribe[0]", "must be one of BTCUSD"),
        ("  - stream: {path: /socket/quotes, subscribe: []}\n    as: acme\n", "steps[0].stream.subscribe", "one or more symbols"),
        (
            "  - stream: {path: /socket/order_entry/events, subscribe: [BTCUSD]}\n    as: acme\n",
            "steps[0].stream.subscribe",
            "only the quote stream",
        ),
        ("  - stream: {path: /socket/quotes}\n    as: acme\n    expect: {symbol: BTCUSD}\n", "steps[0].expect", "must be a list"),
        ("  - stream: {path: /socket/quotes}\n    as: acme\n    literal: true\n", "steps[0].literal", "unknown key"),
        ("  - stream: {path: /socket/quotes}\n    advance: {seconds: 1}\n", "steps[0]", "exactly one of: request, control, advance, stream"),
    ],
    ids=["path", "no-as", "unknown-client", "unknown-symbol", "no-symbols", "subscribe-events", "expect-not-list", "unknown-key", "two-kinds"],
)
def test_a_malformed_stream_step_is_refused_naming_the_key(tmp_path: Path, step: str, key: str, problem: str) -> None:
    with pytest.raises(ScenarioError) as refused:
        load_scenario(scenario(tmp_path, step))
    assert f": {key}: " in str(refused.value), str(refused.value)
    assert problem in str(refused.value)
