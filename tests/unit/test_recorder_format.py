"""The file `serve --record` writes: step shapes, bodies, instants, escaping, the file itself."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from simulator.api.http import MAX_BODY_BYTES
from simulator.engine.clock import parse_instant
from simulator.replay.errors import ScenarioError
from simulator.replay.loader import load_scenario
from simulator.replay.recording import (
    MARKER,
    Exchange,
    RecordingFile,
    RecordPathError,
    body_fields,
    check_record_path,
    exact_instant,
    header,
    scenario_name,
    step_document,
)
from simulator.replay.scenario import ControlStep, RequestStep

START = "2026-03-02T14:00:00Z"
HEAD = header("session", "A session.", 7, START, None)


def exchange(path: str = "/apex-crypto/api/v2/instruments", **changes: Any) -> Exchange:
    fields: dict[str, Any] = {
        "method": "GET", "path": path, "query": {}, "body": b"", "auth": {}, "at_ns": None,
        "status": 200, "answer": {"ok": True},
    }  # fmt: skip
    fields.update(changes)
    return Exchange(**fields)


def recorded(tmp_path: Path, *steps: dict[str, Any]) -> Path:
    path = tmp_path / "session.yaml"
    file = RecordingFile(path, HEAD)
    for step in steps:
        file.append(step)
    file.close()
    return path


def test_a_vendor_request_is_a_request_step_with_its_whole_answer_as_expect() -> None:
    step = step_document(exchange(auth={"as": "acme"}, query={"limit": "5"}, status=201, answer={"a": [1, 2]}))
    assert step == {
        "as": "acme",
        "request": {"method": "GET", "path": "/apex-crypto/api/v2/instruments", "query": {"limit": "5"}},
        "expect": {"status": 201, "body": {"a": [1, 2]}},
    }
    assert list(step) == ["as", "request", "expect"]


def test_a_control_request_is_a_control_step_without_authorization() -> None:
    step = step_document(
        exchange("/sandbox/v1/clock/advance", method="POST", body=b'{"seconds": 2}', auth={"authorization": "x"})
    )
    assert step == {
        "control": {
            "method": "POST",
            "path": "/sandbox/v1/clock/advance",
            "body": {"seconds": 2},
            "expect": {"status": 200, "body": {"ok": True}},
        }
    }


def test_at_is_written_only_when_the_clock_moved_and_keeps_every_nanosecond() -> None:
    assert "at" not in step_document(exchange())
    assert step_document(exchange(at_ns=parse_instant("2026-03-02T15:00:00.000000001Z")))["at"] == (
        "2026-03-02T15:00:00.000000001Z"
    )
    for text in ("2026-03-02T15:00:00Z", "2026-03-02T15:00:00.250Z", "2026-03-02T15:00:00.250000100Z"):
        assert exact_instant(parse_instant(text)) == text


@pytest.mark.parametrize(
    ("raw", "fields"),
    [
        (b"", {}),
        (b'{"amount": "10", "n": 1.5, "ok": true}', {"body": {"amount": "10", "n": 1.5, "ok": True}}),
        (b'  ["x"]  ', {"body": ["x"]}),
        (b"null", {"raw_body": "null"}),
        (b"{oops", {"raw_body": "{oops"}),
        (b'{"price": NaN}', {"raw_body": '{"price": NaN}'}),
        (b"\xff\xfe{", {"raw_body": b"\xff\xfe{"}),
    ],
    ids=["empty", "json", "json-with-spaces", "null", "malformed", "not-finite", "not-utf8"],
)
def test_a_body_is_json_data_when_resending_its_json_is_equivalent_else_raw(raw: bytes, fields: dict[str, Any]) -> None:
    assert body_fields(raw) == fields


def test_a_body_over_the_size_limit_stays_raw_so_the_replay_also_gets_413() -> None:
    oversized = b'{"a": "' + b"x" * MAX_BODY_BYTES + b'"}'
    assert body_fields(oversized) == {"raw_body": oversized.decode()}


def test_placeholder_text_anywhere_makes_the_step_literal() -> None:
    step = step_document(exchange("/apex-crypto/api/v2/x/${uuid:b1}", answer={"message": "No such path"}))
    assert list(step)[0] == "literal" and step["literal"] is True
    assert step_document(exchange(answer={"${key}": 1}))["literal"] is True
    assert "literal" not in step_document(exchange(answer={"price": "$100", "note": "${ unclosed"}))


def test_the_file_is_a_valid_scenario_after_every_step(tmp_path: Path) -> None:
    path = tmp_path / "session.yaml"
    file = RecordingFile(path, HEAD)
    assert load_scenario(path).steps == ()
    for count in range(1, 4):
        file.append(step_document(exchange(at_ns=parse_instant(START) + count)))
        file.note("not recorded: something")
        assert len(load_scenario(path).steps) == count
    file.close()
    text = path.read_text()
    assert text.startswith(MARKER)
    assert "\nsteps:\n  - at: " in text and "{" not in text.replace("{}", "")


def test_a_literal_step_is_sent_and_compared_as_written(tmp_path: Path) -> None:
    path = recorded(
        tmp_path,
        step_document(exchange("/x/${uuid:b1}", method="POST", body=b'{"id": "${oops}"}', answer={"m": "${uuid:b1}"})),
        step_document(exchange("/x", auth={"authorization": "Bearer ${uuid:t}"}, answer="${x}")),
    )
    first, second = load_scenario(path).steps
    assert first.literal and isinstance(first.action, RequestStep)
    assert first.action.call.path == "/x/${uuid:b1}" and first.action.call.body == {"id": "${oops}"}
    assert isinstance(second.action, RequestStep) and second.action.authorization == "Bearer ${uuid:t}"


def test_raw_bodies_read_back_byte_for_byte(tmp_path: Path) -> None:
    bodies = [b"{oops", b"\xff\xfe{", "line\n  two\t\u00e9 # not a comment: \0".encode(), b'"\\ud800"']
    path = recorded(
        tmp_path, *(step_document(exchange("/sandbox/v1/clients", method="POST", body=body)) for body in bodies)
    )
    calls = [step.action.call for step in load_scenario(path).steps if isinstance(step.action, ControlStep)]
    assert [call.payload() if call.raw_body is not None else body for call, body in zip(calls, bodies, strict=True)] == bodies
    assert calls[3].body == "\ud800"


def test_the_head_copies_a_setup_scenario_market_and_clients(tmp_path: Path) -> None:
    setup_path = tmp_path / "setup.yaml"
    setup_path.write_text(
        "version: 1\nname: setup\nmarket:\n  BTCUSD: {price: '43000.00', volatility: 0}\n"
        "clients:\n  acme:\n    fundingModel: BAKKT_TPJ\n    accounts:\n      - {count: 2, holdings: {BTC: '0.5'}}\n"
        "  beta: {}\n"
    )
    setup = load_scenario(setup_path)
    path = tmp_path / "session.yaml"
    RecordingFile(path, header("session", "A session.", 7, START, setup)).close()
    copied = load_scenario(path)
    assert (copied.market, copied.clients) == (setup.market, setup.clients)
    assert (copied.seed, copied.start, copied.name) == (7, START, "session")


def test_scenario_names_follow_the_file_name() -> None:
    assert scenario_name(Path("bug 42 (prod).yaml")) == "bug-42-prod-"
    assert scenario_name(Path("_.yaml")) == "recording"
    assert scenario_name(Path("/tmp/ok.session.yml")) == "ok.session"


def test_the_record_path_must_be_new_or_an_earlier_recording(tmp_path: Path) -> None:
    check_record_path(tmp_path / "new.yaml")
    check_record_path(recorded(tmp_path))
    with pytest.raises(RecordPathError, match="folder .*missing.* does not exist"):
        check_record_path(tmp_path / "missing" / "x.yaml")
    with pytest.raises(RecordPathError, match="is a folder"):
        check_record_path(tmp_path)
    mine = tmp_path / "notes.yaml"
    mine.write_text("version: 1\nname: mine\n")
    with pytest.raises(RecordPathError, match="not an earlier recording"):
        check_record_path(mine)


def test_the_loader_keeps_the_recording_keys_apart(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    head = "version: 1\nname: bad\nsteps:\n"
    cases = {
        "  - control: {method: POST, path: /sandbox/v1/clients, body: {clientId: acme}}\n"
        "  - as: acme\n    authorization: Bearer x\n    request: {method: GET, path: /x}\n": "steps[1].authorization",
        "  - request: {method: POST, path: /x, body: {}, raw_body: x}\n": "steps[0].request.raw_body",
        "  - request: {method: POST, path: /x, raw_body: 5}\n": "steps[0].request.raw_body",
        "  - literal: yes please\n    request: {method: GET, path: /x}\n": "steps[0].literal",
        "  - request: {method: GET, path: '/x/${batch}'}\n": "steps[0].request.path",
    }
    for steps, key in cases.items():
        path.write_text(head + steps)
        with pytest.raises(ScenarioError, match=key.replace("[", r"\[").replace("]", r"\]")):
            load_scenario(path)


def test_as_may_name_a_client_a_control_step_creates(tmp_path: Path) -> None:
    path = tmp_path / "steps.yaml"
    path.write_text(
        "version: 1\nname: steps\nsteps:\n"
        "  - control: {method: POST, path: /sandbox/v1/clients, body: {clientId: acme}}\n"
        "  - as: acme\n    request: {method: GET, path: /apex-crypto/api/v2/instruments}\n"
    )
    step = load_scenario(path).steps[1]
    assert isinstance(step.action, RequestStep) and step.action.as_client == "acme"
