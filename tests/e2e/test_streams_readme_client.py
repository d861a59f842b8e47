"""The README's Node client (`quotes.mjs`, with `ws`) reads live quotes from `serve`.

The script is taken from README.md as written and run with node, `ws`
installed from the npm registry into a temporary folder. Where node or the
registry is missing, the same exchange runs with Python's websockets client
instead, so the test never skips: either way a client that knows only the
vendor's docs calls /config, connects with its token, subscribes and reads.
"""
from __future__ import annotations

import json
import os
import re
import select
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Protocol

import pytest
from e2e_target import ServerProcess, Target, expect
from websockets.sync.client import ClientConnection, connect

README = Path(__file__).resolve().parents[2] / "README.md"
INSTALL_TIMEOUT = 180
READ_TIMEOUT = 30.0
QUOTE_LINE = re.compile(r"^(\S+) BTCUSD bid (\S+) ask (\S+)$")


def readme_script() -> str:
    scripts = re.findall(r"^```js\n(// quotes\.mjs\n.*?)^```$", README.read_text(), re.S | re.M)
    assert len(scripts) == 1, "README.md should hold one ```js block starting with // quotes.mjs"
    return str(scripts[0])


class QuoteClient(Protocol):
    def line(self) -> str: ...


class NodeClient:
    """The README's script under node: one printed line per quote, then `closed CODE REASON`."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self._process = process

    def line(self) -> str:
        assert self._process.stdout is not None
        text = read_line(self._process.stdout)
        assert text, f"node printed nothing more within {READ_TIMEOUT} s (exit status {self._process.poll()})"
        return text.rstrip("\n")


class PythonClient:
    """The same exchange as the README's script, for a machine without node or the npm registry."""

    def __init__(self, ws: ClientConnection) -> None:
        self._ws = ws
        self._ws.send(json.dumps({"subscribe": ["BTCUSD"]}))

    def line(self) -> str:
        try:
            quote = json.loads(self._ws.recv(timeout=READ_TIMEOUT))
        except Exception as exc:  # the close, as the script prints it
            code = getattr(getattr(exc, "rcvd", None), "code", None)
            reason = getattr(getattr(exc, "rcvd", None), "reason", "")
            return f"closed {code} {reason}"
        return f"{quote['timestamp']} {quote['symbol']} bid {quote['bid']} ask {quote['ask']}"


def read_line(stream: IO[str]) -> str:
    """One line, waiting at most READ_TIMEOUT for it."""
    readable, _, _ = select.select([stream], [], [], READ_TIMEOUT)
    return stream.readline() if readable else ""


def node_folder(tmp: Path) -> Path | None:
    """A folder holding the README's script with `ws` installed beside it, or None without node or the registry."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        return None
    (tmp / "quotes.mjs").write_text(readme_script())
    (tmp / "package.json").write_text('{"private": true}\n')
    try:
        installed = subprocess.run(
            [npm, "install", "--no-audit", "--no-fund", "ws@8"], cwd=tmp, capture_output=True, text=True, timeout=INSTALL_TIMEOUT
        )
    except subprocess.TimeoutExpired:
        return None
    return tmp if installed.returncode == 0 else None


@pytest.fixture
def client(live_server: ServerProcess, tmp_path: Path) -> Iterator[tuple[QuoteClient, Target]]:
    target = live_server.fresh_target()
    acme = target.provision("acme")
    folder = node_folder(tmp_path)
    if folder is None:
        auth = {"Authorization": f"Bearer {acme.token}"}
        config = expect(target.request("GET", "/apex-crypto/api/v2/config", headers=auth), 200)
        with connect(config["streamingQuoteUrl"], additional_headers=auth) as ws:
            yield PythonClient(ws), target
        return
    env = {**os.environ, "API": target.base_url, "TOKEN": acme.token}
    process = subprocess.Popen(["node", "quotes.mjs"], cwd=folder, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        yield NodeClient(process), target
    finally:
        process.kill()
        process.wait()


def test_the_readme_client_prints_live_quotes_until_the_stream_closes(client: tuple[QuoteClient, Target]) -> None:
    reader, target = client
    first = QUOTE_LINE.fullmatch(reader.line())
    assert first is not None and first.group(1) == "2026-03-02T14:00:00.000000000Z", "the subscribe's current quote"
    book = expect(target.control("GET", "/market/BTCUSD"), 200)
    assert (first.group(2), first.group(3)) == (book["bid"], book["ask"])
    target.advance(seconds=90)
    second = QUOTE_LINE.fullmatch(reader.line())
    assert second is not None and second.group(1) == "2026-03-02T14:01:30.000000000Z", "the latest quote after the advance"
    target.reset(1)
    assert reader.line() == "closed 1012 the sandbox was reset: log in again and reconnect"
