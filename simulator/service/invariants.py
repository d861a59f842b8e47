"""The sandbox checking itself after a run (CONTRACT section 17).

A broken invariant is a sandbox bug, reported apart from a scenario's failed
expectation. Each check reads the sandbox's own records, which are the truth
(CONTRACT section 15): a client that deletes its queue, purges it or deletes
its bucket breaks nothing here. What each name means, exactly:

- `coin-conserved`: for each client and coin, the holdings of all its
  accounts (investors, the Firm Allocation and Gift Accounts) add up to what
  control calls brought in (opening holdings and deposits, less withdrawals)
  plus what the market delivered (the fills of batches and orders, BUY
  positive). Allocations and gifts move coin between a client's own
  accounts, so they must net out.
- `cash-conserved`: for each client, the USD cash of all its accounts adds
  up to what control calls brought in (opening cash and deposits, less
  withdrawals) plus the cash calls paid (TPJ: a debit negative, a credit
  positive). Nothing else moves cash: a NET_SETTLEMENT client settles
  outside the ledger, and a write-off cancels a debt without moving any.
- `allocations-terminal`: every batch that is no longer OPEN has finished
  (COMPLETE or REJECTED) with each of its allocations COMPLETE, REJECTED or
  CANCELLED; the one exception is a batch IN_PROGRESS whose market order
  reaches the venue after the run's end.
- `settlement-rows`: every settlement detail file reads as its format says;
  each row's Total is its Notional plus its Fees (BUY), less them (SELL), or
  its Notional (DEPOSIT, WITHDRAWAL); its Net Settlement is the BUY Totals
  less the SELL Totals less the DEPOSITs plus the WITHDRAWALs.
- `settlement-summary`: every summary file has the detail file of its day,
  with the same From, To and Net Settlement; every coin the detail trades
  has a row (each execution has its firm trade in the same window); each
  coin's allocation qty is the net quantity (BUY positive) of the detail's
  rows that are the client's allocations, its diff qty is its firm qty less
  its allocation qty, and the `all` row sums the coin rows.
- `queue-journal`: every journal entry reached its client's queue at least
  once, unless each of its copies still waits in the outbox because it falls
  due after the run's end (`queue.maxDelaySeconds`) or its queue refused the
  last publish; an entry the consumer deleted before a restart counts as
  delivered. Nothing else reached any queue. Duplicates by message_id aside.
- `no-5xx`: no answer had a 5xx status, beyond those the API faults were set
  to give (they are counted per world, so a reset forgets the earlier ones).
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal

from simulator.domain.batches import AllocationStatus, Batch, BatchStatus
from simulator.domain.cash_calls import CashCallStatus
from simulator.domain.decimals import ZERO, format_decimal
from simulator.domain.fees import Side
from simulator.domain.instruments import USD
from simulator.domain.settlement import CashMovement, SettlementEntry, net_settlement, summarize
from simulator.engine.clock import iso_millis, parse_instant
from simulator.reconcile import (
    NumberedRow,
    check_header,
    decimal_text,
    input_error,
    next_row,
    numbered_rows,
    read_preamble,
)
from simulator.service.core import SandboxCore
from simulator.service.journal import JournalEntry
from simulator.service.outputs import StoredFile
from simulator.service.settlement import (
    DETAIL_HEADER,
    DETAIL_SUFFIX,
    SETTLEMENT_FOLDER,
    SUMMARY_HEADER,
    SUMMARY_SUFFIX,
    detail_key,
)
from simulator.service.state import ClientRecord

TERMINAL = frozenset({AllocationStatus.COMPLETE, AllocationStatus.REJECTED, AllocationStatus.CANCELLED})
FINISHED = frozenset({BatchStatus.COMPLETE, BatchStatus.REJECTED})
SIDES: dict[str, Side | CashMovement] = {side.value: side for side in (*Side, *CashMovement)}
EXAMPLES = 3
"""How many of many alike problems a message shows."""


@dataclass(frozen=True)
class Violation:
    name: str
    """Kebab-case and stable: a sweep groups failures by it."""
    message: str
    """What was found, with the values, for a person to read."""


def check_invariants(core: SandboxCore, statuses: Iterable[int]) -> list[Violation]:
    """Every invariant the world `core` breaks now; `statuses` are those of every answer the run got."""
    return [
        *coins_conserved(core),
        *cash_conserved(core),
        *allocations_terminal(core),
        *settlement_files(core),
        *queue_journal(core),
        *no_5xx(core, statuses),
    ]


# conservation


def coins_conserved(core: SandboxCore) -> Iterator[Violation]:
    for client in core.clients.values():
        held, deposited, market = client.ledger.totals(), client.ledger.deposited(), client.settlement.market_net
        for coin in sorted((held.keys() | deposited.keys() | market.keys()) - {USD}):
            sources = {"deposits": deposited.get(coin, ZERO), "the market": market.get(coin, ZERO)}
            yield from _balance("coin-conserved", client, coin, held.get(coin, ZERO), sources)


def cash_conserved(core: SandboxCore) -> Iterator[Violation]:
    for client in core.clients.values():
        paid = (call.cash_delta for call in client.cash_calls.calls.values() if call.status is CashCallStatus.PAID)
        sources = {"deposits": client.ledger.deposited().get(USD, ZERO), "paid cash calls": sum(paid, ZERO)}
        yield from _balance("cash-conserved", client, USD, client.ledger.totals().get(USD, ZERO), sources)


def _balance(
    name: str, client: ClientRecord, currency: str, held: Decimal, sources: Mapping[str, Decimal]
) -> Iterator[Violation]:
    expected = sum(sources.values(), ZERO)
    if held != expected:
        parts = " + ".join(f"{label} {format_decimal(amount)}" for label, amount in sources.items())
        yield Violation(
            name,
            f"client {client.client_id}: its accounts hold {format_decimal(held)} {currency}, but {parts}"
            f" = {format_decimal(expected)} (off by {format_decimal(held - expected)})",
        )


# batches


def allocations_terminal(core: SandboxCore) -> Iterator[Violation]:
    for client in core.clients.values():
        for batch_transaction_id, batch in client.batches.items():
            problem = _unfinished(batch, core.now)
            if problem is not None:
                message = f"client {client.client_id}: batch {batch_transaction_id} {problem}"
                yield Violation("allocations-terminal", message)


def _unfinished(batch: Batch, now_ns: int) -> str | None:
    """What is wrong with a batch that should be done by `now_ns`; None when nothing is."""
    if batch.status is BatchStatus.OPEN:
        return None
    due = batch.fill_due_ns
    if batch.status is BatchStatus.IN_PROGRESS and due is not None and due > now_ns:
        return None  # its market order is still on its way
    stuck = [a for a in batch.pending if a.status not in TERMINAL]
    problems = []
    if batch.status not in FINISHED:
        waited = "" if due is None else f", its fill due at {iso_millis(due)}"
        problems.append(f"is still {batch.status} at {iso_millis(now_ns)}{waited}")
    elif stuck:
        problems.append(f"is {batch.status}")
    if stuck:
        shown = ", ".join(f"{a.client_transaction_id} {a.status}" for a in stuck[:EXAMPLES])
        problems.append(f"{len(stuck)} of its {len(batch.pending)} allocations not terminal ({shown})")
    return ", ".join(problems) or None


# settlement files


@dataclass(frozen=True)
class SettlementTable:
    """One settlement file as read: the values of its preamble and its table's rows, each with its line."""

    source: str
    header: tuple[str, ...]
    preamble: dict[str, str]
    rows: list[NumberedRow]

    def decimal(self, line: int, row: list[str], name: str) -> Decimal:
        column = self.header.index(name) + 1
        return Decimal(decimal_text(self.source, line, column, name, row[column - 1]))

    @property
    def net(self) -> Decimal:
        """The Net Settlement it states (line 3, column 2 of every settlement file)."""
        return Decimal(decimal_text(self.source, 3, 2, "Net Settlement", self.preamble["Net Settlement"]))


@dataclass(frozen=True)
class DetailRow:
    line: int
    entry: SettlementEntry
    """The row as the entry it states; an allocation's is `from_batch`."""
    total: Decimal
    """The Total it states."""


@dataclass(frozen=True)
class DetailFile:
    """A detail file read back as the entries it states, so the domain's own net and
    summary rules can aggregate it as they aggregated the log it was written from."""

    table: SettlementTable
    rows: list[DetailRow]


def read_table(file: StoredFile, header: list[str]) -> SettlementTable:
    """The preamble, the header, and every non-empty row, each as wide as the header."""
    source = f"{file.key} of client {file.client}"
    rows = numbered_rows(source, file.body.decode("utf-8"))
    line, preamble = read_preamble(source, rows)
    line, found = next_row(source, rows, line, "the header")
    check_header(source, line, found, tuple(header))
    table: list[NumberedRow] = []
    for line, row in rows:
        if not row:
            continue
        if len(row) != len(header):
            raise input_error(source, line, 1, f"the header has {len(header)} columns, this row {len(row)}")
        table.append((line, row))
    return SettlementTable(source, tuple(header), preamble, table)


def read_detail(file: StoredFile, allocation_ids: set[str]) -> DetailFile:
    table = read_table(file, DETAIL_HEADER)
    rows = []
    for line, row in table.rows:
        values = dict(zip(DETAIL_HEADER, row, strict=True))
        side = SIDES.get(values["Side"])
        if side is None:
            raise input_error(table.source, line, DETAIL_HEADER.index("Side") + 1, f'unknown Side "{values["Side"]}"')
        entry = SettlementEntry(
            account=values["Account ID"],
            client_order_id=values["Client Order ID"],
            execution_id=values["Execution ID"],
            executed_ns=parse_instant(values["Execution Time"]),
            side=side,
            symbol=values["Symbol"],
            quantity=table.decimal(line, row, "Last Quantity"),
            price=table.decimal(line, row, "Last Price"),
            notional=table.decimal(line, row, "Notional"),
            fee=table.decimal(line, row, "Fees"),
            from_batch=values["Execution ID"] in allocation_ids,
        )
        rows.append(DetailRow(line, entry, table.decimal(line, row, "Total")))
    return DetailFile(table, rows)


def detail_problems(detail: DetailFile) -> Iterator[str]:
    """Totals that are not their Notional and Fees, and a Net Settlement that is not the Totals' net."""
    for row in detail.rows:
        entry = row.entry
        if row.total != entry.total:
            yield (
                f"line {row.line}: Total {format_decimal(row.total)}, but a {entry.side} of Notional"
                f" {format_decimal(entry.notional)} and Fees {format_decimal(entry.fee)} totals {format_decimal(entry.total)}"
            )
    computed = net_settlement(row.entry for row in detail.rows)
    if detail.table.net != computed:
        stated = format_decimal(detail.table.net)
        yield f"Net Settlement {stated}, but its {len(detail.rows)} rows net {format_decimal(computed)}"


def summary_problems(summary: SettlementTable, detail: DetailFile | None) -> Iterator[str]:
    """The summary against the detail of its day aggregated, and its own rows against each other."""
    if detail is None:
        yield "has no detail file of its day"
        return
    for label, stated in summary.preamble.items():
        theirs = detail.table.preamble[label]
        if stated != theirs:
            yield f"{label} {stated}, but the detail's is {theirs}"
    rows = {row[0]: (line, row) for line, row in summary.rows}
    entries = [r.entry for r in detail.rows]
    allocated = {row.coin: row.allocation_quantity for row in summarize(entries, [])}
    traded = {entry.symbol for entry in entries if isinstance(entry.side, Side)}
    columns = SUMMARY_HEADER[1:]
    sums = dict.fromkeys(columns, ZERO)
    for coin in sorted((rows.keys() | traded) - {"all"}):
        if coin not in rows:
            yield f"no row for {coin}, which the detail trades"
            continue
        line, row = rows[coin]
        values = {name: summary.decimal(line, row, name) for name in columns}
        for name in columns:
            sums[name] += values[name]
        expected = allocated.get(coin, ZERO)
        if values["allocation qty"] != expected:
            found = format_decimal(values["allocation qty"])
            yield f"line {line}: allocation qty {found} of {coin}, but its allocations in the detail net {format_decimal(expected)}"
        if values["diff qty"] != values["firm qty"] - values["allocation qty"]:
            yield f"line {line}: diff qty {format_decimal(values['diff qty'])} of {coin} is not firm qty less allocation qty"
    yield from _all_row(summary, rows.get("all"), sums)


def _all_row(summary: SettlementTable, all_row: NumberedRow | None, sums: dict[str, Decimal]) -> Iterator[str]:
    if all_row is None:
        yield "no `all` row"
        return
    line, row = all_row
    for name, total in sums.items():
        stated = summary.decimal(line, row, name)
        if stated != total:
            yield f"line {line}: {name} {format_decimal(stated)} in the `all` row, but the coin rows sum to {format_decimal(total)}"


def settlement_files(core: SandboxCore) -> Iterator[Violation]:
    """Each client's detail files, then each summary file against the detail of its day."""
    for client in core.clients.values():
        stored = [f for f in core.files.list(client.client_id) if f.key.startswith(SETTLEMENT_FOLDER)]
        allocation_ids = {allocation.id for allocation in client.allocations.values()}
        details: dict[str, DetailFile | None] = {}
        """By key; None for one that does not read, which is reported once, as its own violation."""
        for file in stored:
            if file.key.endswith(DETAIL_SUFFIX):
                try:
                    details[file.key] = detail = read_detail(file, allocation_ids)
                except ValueError as exc:  # ReconcileInputError among them: the file does not read
                    details[file.key] = None
                    yield Violation("settlement-rows", str(exc))
                    continue
                yield from (Violation("settlement-rows", f"{detail.table.source}: {p}") for p in detail_problems(detail))
        for file in stored:
            if file.key.endswith(SUMMARY_SUFFIX):
                day = detail_key(file.key.removeprefix(SETTLEMENT_FOLDER).removesuffix(SUMMARY_SUFFIX))
                if day in details and details[day] is None:
                    continue
                try:
                    summary = read_table(file, SUMMARY_HEADER)
                    problems = list(summary_problems(summary, details.get(day)))
                except ValueError as exc:
                    yield Violation("settlement-summary", str(exc))
                    continue
                yield from (Violation("settlement-summary", f"{summary.source}: {p}") for p in problems)


# deliveries


def queue_journal(core: SandboxCore) -> Iterator[Violation]:
    """Each client's due journal entries against what reached its queue, then what reached
    a queue that no journal entry of its client holds."""
    outbox = core.outbox
    reached = {url: set(bodies) for url, bodies in outbox.delivered.items()}
    waiting: dict[int, list[int]] = {}
    for due, entry in outbox.waiting():
        waiting.setdefault(entry.seq, []).append(due)
    owner = {client.queue_url: client.client_id for client in core.clients.values()}
    published: dict[str, set[str]] = {}
    lost: dict[str, list[JournalEntry]] = {}
    for entry in core.journal.entries:
        url = core.clients[entry.client].queue_url
        published.setdefault(url, set()).add(entry.envelope)
        if entry.envelope in reached.get(url, ()) or entry.message_id in outbox.suppressed:
            continue
        dues = waiting.get(entry.seq, [])
        if any(due > core.now for due in dues) or (dues and outbox.refusing(url)):
            continue  # delayed past the run's end, or held back by a queue that refuses
        lost.setdefault(url, []).append(entry)
    for url, entries in lost.items():
        shown = "; ".join(f"#{e.seq} {e.event_type} {e.message_id}" for e in entries[:EXAMPLES])
        yield Violation(
            "queue-journal",
            f"client {owner[url]}: {len(entries)} journal entries due by {iso_millis(core.now)} never reached {url} ({shown})",
        )
    for url, bodies in reached.items():
        foreign = sorted(bodies - published.get(url, set()))
        if foreign:
            whose = f"client {owner[url]}'s queue" if url in owner else "a queue of no client"
            yield Violation(
                "queue-journal", f"{whose} {url} got {len(foreign)} messages no journal entry of it holds ({foreign[0][:200]})"
            )


def no_5xx(core: SandboxCore, statuses: Iterable[int]) -> Iterator[Violation]:
    """5xx answers, by status, beyond those the API faults gave."""
    answered = Counter(status for status in statuses if 500 <= status <= 599)
    for status, count in sorted(answered.items()):
        injected = core.faults.injected[status]
        if count > injected:
            given = f" (the API faults gave {injected})" if injected else ""
            yield Violation("no-5xx", f"{count} answers had status {status}{given}")
