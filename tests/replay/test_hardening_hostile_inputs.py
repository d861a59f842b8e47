"""No input makes `replay`, `reconcile` or `statement` print a traceback (CONTRACT section 15).

Each command is driven as a user would, through click, with inputs an
attacker or an unlucky user could give: binary garbage, invalid UTF-8, huge
numbers, a wrong YAML type at every place of a scenario, missing files,
folders, unreadable paths, file names that are not UTF-8, servers that do
not answer a statement. Each must end with exit 1 or 2 and say why, never
with a traceback; a refused input is one line on stderr.
"""
from __future__ import annotations

import copy
import os
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result

from simulator.cli import main
from simulator.service.settlement import DETAIL_HEADER

QUICKSTART = Path(__file__).resolve().parents[2] / "scenarios" / "quickstart.yaml"
NOT_UTF8 = os.fsdecode(b"\xff-not-utf-8")
"""A file name byte that is not UTF-8, as Python holds it: a lone surrogate."""
LEDGER_HEADER = "Client Order ID,Execution ID,Side,Symbol,Quantity,Price\n"
DETAIL_HEAD = "From,2026-03-02T15:00:00Z\nTo,2026-03-03T15:00:00Z\nNet Settlement,0.00\n\n" + ",".join(DETAIL_HEADER) + "\n"
BASE: dict[str, Any] = {
    "version": 1,
    "name": "every-level",
    "description": "a passing scenario with every kind of value",
    "seed": 3,
    "start": "2026-03-02T14:00:00Z",
    "market": {"BTCUSD": {"price": "43000.00", "volatility": 0, "spreadBps": 10}},
    "clients": {
        "acme": {
            "fundingModel": "NET_SETTLEMENT",
            "financeEmails": ["finance@acme.test"],
            "accounts": [{"count": 1, "prefix": "INV", "holdings": {"BTC": "0.5"}, "cash": "100.00"}],
        }
    },
    "steps": [
        {
            "at": "2026-03-02T15:30:00Z",
            "as": "acme",
            "request": {
                "method": "POST",
                "path": "/apex-crypto/api/v2/allocation/trade/batch/open",
                "body": {"batchTransactionId": "${uuid:b}", "symbol": "BTCUSD", "type": "NOTIONAL"},
                "query": {"page": 1},
            },
            "expect": {"status": 200, "body": {"status": "OPEN"}},
        },
        {"control": {"method": "POST", "path": "/sandbox/v1/market/BTCUSD", "body": {"outage": False}, "expect": {"status": 200}}},
        {"advance": {"seconds": 1}},
    ],
    "expect": {
        "events": [{"client": "acme", "event_type": "allocation/batch/1", "match": {"status": "OPEN"}, "count": 1}],
        "files": [{"client": "acme", "key": "eod_settlement/2026-03-02settlement_summary.csv", "contains": ["x"], "equals": "x"}],
        "emails": [{"client": "acme", "to": "finance@acme.test", "subject_contains": "Net settlement", "count": 1}],
    },
}
"""Every section, with every kind of value a scenario holds; it passes but for its files expectation."""
WRONG_VALUES: tuple[Any, ...] = (None, 7, "text", True, [1], {"k": 1})


def paths(value: Any, prefix: tuple[str | int, ...] = ()) -> Iterator[tuple[str | int, ...]]:
    """Every place in a YAML document, the root's children first."""
    children = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in children:
        yield (*prefix, key)
        yield from paths(child, (*prefix, key))


def mutated(path: tuple[str | int, ...], wrong: Any) -> dict[str, Any] | None:
    """BASE with the value at `path` replaced, or None when `wrong` has the value's own type."""
    document = copy.deepcopy(BASE)
    parent = document
    for key in path[:-1]:
        parent = parent[key]
    if type(parent[path[-1]]) is type(wrong):
        return None
    parent[path[-1]] = wrong
    return document


MUTATIONS = [
    pytest.param(document, id=f"{'.'.join(map(str, path))}={type(wrong).__name__}")
    for path in paths(BASE)
    for wrong in WRONG_VALUES
    if (document := mutated(path, wrong)) is not None
]


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(arg) for arg in args])


def assert_clean(result: Result, codes: tuple[int, ...] = (1, 2)) -> None:
    """An exit code from `codes`, no traceback, and a refusal as one line on stderr."""
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code in codes, result.output
    assert "Traceback" not in result.output
    if result.exit_code == 2:
        assert result.stderr.count("\n") == 1, result.stderr


def write(path: Path, content: str | bytes) -> Path:
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


# replay


def test_the_base_scenario_fails_only_its_files_expectation(tmp_path: Path) -> None:
    result = run("replay", write(tmp_path / "base.yaml", yaml.safe_dump(BASE)), "--out", tmp_path / "out")
    assert result.exit_code == 1
    assert "expect.files[0]" in result.stdout
    assert "1 expectation did not hold" in result.stdout


@pytest.mark.parametrize("document", MUTATIONS)
def test_a_wrong_type_anywhere_in_a_scenario_ends_cleanly(tmp_path: Path, document: dict[str, Any]) -> None:
    scenario = write(tmp_path / "scenario.yaml", yaml.safe_dump(document))
    result = run("replay", scenario, "--out", tmp_path / "out")
    assert_clean(result)
    if result.exit_code == 2:
        assert result.stderr.startswith(f"invalid scenario: {scenario}: ")


@pytest.mark.parametrize(
    "content",
    [
        bytes(range(256)) * 8,
        b"version: 1\nname: \xc3\x28\n",
        b"",
        b"version: 1\nname: a\x00b\n",
        b"\xef\xbb\xbfversion: 1\nname: [\n",
        "version: 1\nname: x\nseed: " + "9" * 5000 + "\n",
        "version: 1\nname: x\nsteps: [{advance: {seconds: " + "9" * 400 + "}}]\n",
        "version: 1\nname: x\nsteps: [{control: {method: POST, path: /sandbox/v1/market/BTCUSD, body: {volatility: 1.0e+400}}}]\n",
        "version: 1\nname: x\nsteps: [{advance: {seconds: .nan}}]\n",
        "version: 1\nname: x\nclients: {? [a] : {}}\n",
        "version: 1\nname: x\nseed: !!int nine\n",
    ],
    ids=[
        "binary", "invalid-utf8", "empty", "nul", "bom-then-syntax-error", "5000-digit-seed", "400-digit-seconds",
        "infinite-float", "nan-seconds", "list-as-key", "tagged-garbage",
    ],
)
def test_a_hostile_scenario_file_is_refused_in_one_line(tmp_path: Path, content: str | bytes) -> None:
    scenario = write(tmp_path / "scenario.yaml", content)
    result = run("replay", scenario, "--out", tmp_path / "out")
    assert_clean(result, codes=(2,))
    assert result.stderr.startswith(f"invalid scenario: {scenario}: ")


def test_paths_that_are_no_scenario_file_are_refused_in_one_line(tmp_path: Path) -> None:
    a_file = write(tmp_path / "a-file", "x")
    for path, problem in [
        (tmp_path / "missing.yaml", "no such file"),
        (tmp_path, "is a directory, not a scenario file"),
        (a_file / "below-a-file.yaml", "cannot be read: Not a directory"),
    ]:
        result = run("replay", path)
        assert_clean(result, codes=(2,))
        assert result.stderr == f"invalid scenario: {path}: {problem}\n"


def test_an_unreadable_scenario_is_refused_in_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file this user may not read. Root reads any file whatever its mode, so the refusal
    the operating system would give is raised where the scenario is read."""
    scenario = write(tmp_path / "scenario.yaml", "version: 1\nname: x\n")
    real_read_text = Path.read_text

    def refused(path: Path, *args: Any, **kwargs: Any) -> str:
        if path == scenario:
            raise PermissionError(13, "Permission denied", str(path))
        return real_read_text(path, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", refused)
    result = run("replay", scenario)
    assert_clean(result, codes=(2,))
    assert "cannot be read: Permission denied" in result.stderr


def test_lone_surrogates_in_requests_and_a_file_name_that_is_not_utf8_reach_the_summary(tmp_path: Path) -> None:
    """The summary printed the surrogates raw and stdout refused them; the report's JSON Lines too."""
    scenario = write(
        tmp_path / f"{NOT_UTF8}.yaml",
        'version: 1\nname: surrogates\nsteps:\n  - request: {method: GET, path: "/nope\\ud800"}\n'
        '    expect: {status: 200, body: {"x\\udc80": 1}}\n',
    )
    result = run("replay", scenario, "--out", tmp_path / "out")
    assert_clean(result, codes=(1,))
    assert "GET /nope\\ud800" in result.stdout
    assert "\\udcff-not-utf-8.yaml" in result.stdout
    assert (tmp_path / "out" / "requests.jsonl").read_text(encoding="utf-8").count("\\ud800") == 2


# reconcile


@pytest.mark.parametrize(
    "content",
    [
        bytes(range(256)) * 8,
        b"\xc3\x28",
        b"",
        LEDGER_HEADER + "o\x00,e1,BUY,BTCUSD,1,1\n",
        LEDGER_HEADER + "o1,e1,BUY,BTCUSD," + "9" * 100_000 + ",1\n",
        LEDGER_HEADER + "o1,e1,BUY,BTCUSD,1e5,1\n",
        LEDGER_HEADER + "o" * 200_000 + ",e1,BUY,BTCUSD,1,1\n",
        LEDGER_HEADER + '"o1,e1,BUY,BTCUSD,1,1\n',
        LEDGER_HEADER + ",".join(["x"] * 100_000) + "\n",
    ],
    ids=["binary", "invalid-utf8", "empty", "nul", "huge-quantity", "exponent", "huge-field", "open-quote", "many-columns"],
)
@pytest.mark.parametrize("side", ["--detail", "--ledger"])
def test_a_hostile_reconcile_file_ends_cleanly(tmp_path: Path, content: str | bytes, side: str) -> None:
    files = {"--detail": write(tmp_path / "detail.csv", DETAIL_HEAD), "--ledger": write(tmp_path / "ledger.csv", LEDGER_HEADER)}
    files[side] = write(tmp_path / "hostile.csv", content)
    result = run("reconcile", *[part for option, path in files.items() for part in (option, path)])
    assert_clean(result)


def test_reconcile_paths_that_are_no_csv_file_are_refused_in_one_line(tmp_path: Path) -> None:
    ledger = write(tmp_path / "ledger.csv", LEDGER_HEADER)
    for detail in [tmp_path / "missing.csv", tmp_path, ledger / "below-a-file.csv"]:
        result = run("reconcile", "--detail", detail, "--ledger", ledger)
        assert_clean(result, codes=(2,))
        assert result.stderr.startswith(f"reconcile: {detail}: ")


def test_reconcile_prints_a_file_name_that_is_not_utf8(tmp_path: Path) -> None:
    detail = write(tmp_path / f"{NOT_UTF8}.csv", DETAIL_HEAD)
    result = run("reconcile", "--detail", detail, "--ledger", write(tmp_path / "ledger.csv", LEDGER_HEADER))
    assert_clean(result, codes=(0,))
    assert "\\udcff-not-utf-8.csv: 0 executions" in result.stdout


# statement


class AnsweringServer(ThreadingHTTPServer):
    """A server that answers every GET with status 200 and `answer`, whatever it is."""

    answer = b""


class Answering(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        assert isinstance(self.server, AnsweringServer)
        body = self.server.answer
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: the command's stderr is what the tests read."""


@pytest.fixture
def server() -> Iterator[AnsweringServer]:
    httpd = AnsweringServer(("127.0.0.1", 0), Answering)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


STATEMENT = ["statement", "--client", "acme", "--account", "INV00001", "--year", "2026"]


@pytest.mark.parametrize(
    ("answer", "problem"),
    [
        (b"<html>not json</html>", "statement: cannot reach http://127.0.0.1:"),
        (b"\xff\xfe", "statement: cannot reach http://127.0.0.1:"),
        (b'{"totals": {}}', "statement: the answer is not a statement: "),
        (b"[1, 2]", "statement: the answer is not a statement: "),
    ],
    ids=["html", "not-utf8", "partial-json", "a-list"],
)
def test_a_server_that_answers_no_statement_is_refused_in_one_line(
    server: AnsweringServer, answer: bytes, problem: str
) -> None:
    server.answer = answer
    result = run(*STATEMENT, "--api", f"http://127.0.0.1:{server.server_port}")
    assert_clean(result, codes=(2,))
    assert result.stderr.startswith(problem)


@pytest.mark.parametrize("api", ["not-a-url", "http://[::1", "http://127.0.0.1:notaport", "http://127.0.0.1:9"])
def test_an_api_url_that_leads_nowhere_is_refused_in_one_line(api: str) -> None:
    result = run(*STATEMENT, "--api", api)
    assert_clean(result, codes=(2,))
    assert result.stderr.startswith(f"statement: cannot reach {api}: ")


def test_a_statement_scenario_is_checked_like_a_replayed_one(tmp_path: Path) -> None:
    scenario = write(tmp_path / "scenario.yaml", "version: 1\nname: x\nsteps: [{advance: &a {seconds: [*a]}}]\n")
    result = run(*STATEMENT, "--scenario", scenario)
    assert_clean(result, codes=(2,))
    assert result.stderr.startswith(f"invalid scenario: {scenario}: line 3, column ")


def test_a_client_id_that_is_not_utf8_is_sent_as_its_bytes() -> None:
    result = run("statement", "--client", NOT_UTF8, "--account", "INV00001", "--year", "2026", "--scenario", QUICKSTART)
    assert_clean(result, codes=(2,))
    assert result.stderr.startswith("statement: 404 ")
