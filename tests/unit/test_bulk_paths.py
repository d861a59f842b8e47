"""What the faster bulk paths of issue 16 must keep: the same ids, balances,
files and logs as the plainer code they replaced."""
from __future__ import annotations

import csv
import gc
import io
import random
import sqlite3
import uuid
from decimal import Decimal
from pathlib import Path

from test_handlers_world import BATCH_ID, World, allocate_command, open_command

from simulator.adapters.command_log import CommandLog, LoggedCommand
from simulator.domain.accounts import Ledger
from simulator.domain.batches import BatchStatus
from simulator.domain.fees import Side
from simulator.domain.settlement import SettlementEntry
from simulator.engine.clock import parse_instant
from simulator.engine.streams import uuid4_text
from simulator.service import batches
from simulator.service.commands import CloseBatch
from simulator.service.settlement import DETAIL_HEADER, WRITE_ROWS, detail_file, detail_rows

WINDOW = (parse_instant("2026-03-02T15:00:00Z"), parse_instant("2026-03-03T15:00:00Z"))


def test_uuid4_text_is_the_canonical_text_of_a_version_4_uuid() -> None:
    rng = random.Random(16)
    edges = [0, 1, 2**64, 2**127, 2**128 - 1]
    for bits in [*edges, *(rng.getrandbits(128) for _ in range(2_000))]:
        assert uuid4_text(bits) == str(uuid.UUID(int=bits, version=4))


def test_holdings_name_each_coin_the_account_moved_and_no_other() -> None:
    ledger = Ledger()
    ledger.deposit("INV00001", "BTC", Decimal("1"))
    ledger.deposit("INV00002", "ETH", Decimal("2.5"))
    ledger.move_coin("INV00001", "ETH", Decimal("0.5"))
    ledger.move_coin("INV00001", "ETH", Decimal("-0.5"))
    assert ledger.holdings("INV00001") == {"BTC": Decimal("1"), "ETH": Decimal("0.0")}
    assert ledger.holdings("INV00002") == {"ETH": Decimal("2.5")}
    assert ledger.holdings("INV00003") == {}
    assert (ledger.holding("INV00002", "BTC"), ledger.holding("INV00002", "ETH")) == (Decimal(0), Decimal("2.5"))


def test_totals_add_each_coin_over_every_account_and_the_cash() -> None:
    ledger = Ledger()
    ledger.deposit("INV00001", "BTC", Decimal("1"))
    ledger.deposit("INV00002", "BTC", Decimal("0.25"))
    ledger.move_coin("FIRM00001", "BTC", Decimal("-0.00000001"))
    ledger.deposit("INV00001", "USD", Decimal("10.50"))
    assert ledger.totals() == {"BTC": Decimal("1.24999999"), "USD": Decimal("10.50")}


def test_a_detail_file_of_several_writes_is_what_csv_writer_writes() -> None:
    start = WINDOW[0]
    entries = [
        SettlementEntry(
            account='say "hi"' if n == WRITE_ROWS else f"INV{n:05d}",
            client_order_id="a,b" if n == 2 * WRITE_ROWS + 1 else f"o-{n}",
            execution_id=f"x-{n:05d}",
            executed_ns=start + n // 3 * 1_000_000,
            side=Side.BUY if n % 2 else Side.SELL,
            symbol="BTC",
            quantity=Decimal("0.00100000"),
            price=Decimal(f"43000.{n % 100:02d}"),
            notional=Decimal("43.00"),
            fee=Decimal("0.01"),
        )
        for n in range(2 * WRITE_ROWS + 500)
    ]
    expected = io.StringIO()
    csv.writer(expected, lineterminator="\n").writerows([DETAIL_HEADER, *detail_rows(entries)])
    text = detail_file(*WINDOW, entries)
    assert text.endswith(expected.getvalue())
    assert text.count("\n") == 4 + 1 + len(entries)  # the preamble's four lines, the header, the rows


def test_logged_commands_read_back_as_an_earlier_version_wrote_them(tmp_path: Path) -> None:
    path = tmp_path / "sandbox.db"
    CommandLog(path).close()  # the schema, as every version makes it
    with sqlite3.connect(path) as db:
        db.executemany(
            "INSERT INTO commands (sim_ns, method, path, query, authorization, body) VALUES (?, ?, ?, ?, ?, ?)",
            [(5, "POST", "/a", "{}", "tok", b'{"x": 1}'), (6, "GET", "/b", '{"limit": "5"}', None, b"")],
        )
    log = CommandLog(path)
    try:
        log.append(LoggedCommand(7, "GET", "/c", {"after": "2", "client": "acme"}, None, b""))
        assert list(log.commands()) == [
            LoggedCommand(5, "POST", "/a", {}, "tok", b'{"x": 1}'),
            LoggedCommand(6, "GET", "/b", {"limit": "5"}, None, b""),
            LoggedCommand(7, "GET", "/c", {"after": "2", "client": "acme"}, None, b""),
        ]
    finally:
        log.close()


def test_the_collector_runs_again_once_a_batch_has_completed() -> None:
    world = World()
    world.run(batches.open_batch, world.client, open_command(BATCH_ID))
    for n, account in enumerate(("INV00001", "INV00002", "INV00003")):
        world.run(batches.allocate, world.client, allocate_command(BATCH_ID, f"t-{n}", account, Side.BUY, "25.00"))
    world.run(batches.close_batch, world.client, CloseBatch(BATCH_ID, 3))
    assert gc.isenabled()
    world.advance(1)
    assert world.client.batches[BATCH_ID].status is BatchStatus.COMPLETE
    assert gc.isenabled()
