"""Reconciling a client's execution ledger with a settlement detail file.

The detail file is Bakkt's word on what executed in a settlement window; a
client books the same executions in its own system. Matching the two by
Execution ID before wiring the net settlement is the reconciliation the
vendor's documents ask for. This module reads both files strictly (every
problem names the file, the line and the column, because a half-read file
would report false breaks) and lists every difference; `bakkt-sim
reconcile` prints the result.
"""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any

from simulator.domain.decimals import DECIMAL_PATTERN
from simulator.domain.settlement import CashMovement
from simulator.service.settlement import DETAIL_HEADER

LEDGER_HEADER = ("Client Order ID", "Execution ID", "Side", "Symbol", "Quantity", "Price")
PREAMBLE = ("From", "To", "Net Settlement")
CASH_SIDES = frozenset(movement.value for movement in CashMovement)
"""Cash adjustments move USD, not coin: they are detail rows but not executions."""

NumberedRow = tuple[int, list[str]]


class ReconcileInputError(ValueError):
    """A file that cannot be read as its format says: `file: line L, column C: problem`."""


def input_error(source: str, line: int, column: int, problem: str) -> ReconcileInputError:
    return ReconcileInputError(f"{source}: line {line}, column {column}: {problem}")


@dataclass(frozen=True)
class Layout:
    """Where a file's table keeps the compared fields: the two formats differ in their
    header and in the names of the quantity and price columns only."""

    header: tuple[str, ...]
    quantity: str
    price: str

    def column(self, name: str) -> int:
        """The 1-based column number an editor shows."""
        return self.header.index(name) + 1


LEDGER_LAYOUT = Layout(LEDGER_HEADER, "Quantity", "Price")
DETAIL_LAYOUT = Layout(tuple(DETAIL_HEADER), "Last Quantity", "Last Price")


@dataclass(frozen=True)
class Execution:
    """One execution as a file states it. Quantity and price keep the file's text, so a
    break shows exactly what each side wrote; they are valid decimals."""

    line: int
    client_order_id: str
    execution_id: str
    side: str
    symbol: str
    quantity: str
    price: str

    def describe(self) -> str:
        """`BUY 0.00464884 BTC at 43021.5`: the row in words, for an execution one side lacks."""
        return f"{self.side} {self.quantity} {self.symbol} at {self.price}"

    def to_json(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "clientOrderId": self.client_order_id,
            "side": self.side,
            "symbol": self.symbol,
            "quantity": self.quantity,
            "price": self.price,
        }


@dataclass(frozen=True)
class LoadedFile:
    """The executions of one file, keyed by Execution ID, and what was left out."""

    source: str
    executions: dict[str, Execution]
    cash_adjustments: int = 0


class BreakKind(StrEnum):
    """What can differ between the two sides, in the order breaks of one execution are listed."""

    MISSING_IN_LEDGER = "missing_in_ledger"
    MISSING_IN_DETAIL = "missing_in_detail"
    CLIENT_ORDER_ID_DIFFERS = "client_order_id_differs"
    SIDE_DIFFERS = "side_differs"
    SYMBOL_DIFFERS = "symbol_differs"
    QUANTITY_DIFFERS = "quantity_differs"
    PRICE_DIFFERS = "price_differs"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


@dataclass(frozen=True)
class ComparedField:
    """A field both sides carry; decimals compare by value (`0.50` equals `0.5`)."""

    kind: BreakKind
    value: Callable[[Execution], str]
    by_value: bool = False

    def differs(self, detail: Execution, ledger: Execution) -> bool:
        left, right = self.value(detail), self.value(ledger)
        return Decimal(left) != Decimal(right) if self.by_value else left != right


COMPARED_FIELDS = (
    ComparedField(BreakKind.CLIENT_ORDER_ID_DIFFERS, lambda e: e.client_order_id),
    ComparedField(BreakKind.SIDE_DIFFERS, lambda e: e.side),
    ComparedField(BreakKind.SYMBOL_DIFFERS, lambda e: e.symbol),
    ComparedField(BreakKind.QUANTITY_DIFFERS, lambda e: e.quantity, by_value=True),
    ComparedField(BreakKind.PRICE_DIFFERS, lambda e: e.price, by_value=True),
)
FIELD_OF = {field.kind: field for field in COMPARED_FIELDS}


@dataclass(frozen=True)
class Break:
    """One difference: the execution as each side has it (None where it is missing)."""

    kind: BreakKind
    execution_id: str
    detail: Execution | None
    ledger: Execution | None

    @property
    def client_order_id(self) -> str:
        """The detail's, Bakkt's record, wherever it has the execution."""
        present = self.detail or self.ledger
        assert present is not None
        return present.client_order_id

    def shown(self, side: Execution | None) -> str:
        """What this break is about on one side, with the line to look at."""
        if side is None:
            return "(none)"
        field = FIELD_OF.get(self.kind)
        value = side.describe() if field is None else field.value(side)
        return f"{value} (line {side.line})"

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "executionId": self.execution_id,
            "clientOrderId": self.client_order_id,
            "detail": None if self.detail is None else self.detail.to_json(),
            "ledger": None if self.ledger is None else self.ledger.to_json(),
        }


@dataclass(frozen=True)
class Reconciliation:
    """Both files as read, how many executions agree, and every break in report order."""

    detail: LoadedFile
    ledger: LoadedFile
    matched: int
    breaks: list[Break]


# reading


def read_text(path: Path) -> str:
    """The file as text; a BOM (spreadsheets write one) is dropped."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ReconcileInputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ReconcileInputError(f"{path}: is a directory, not a CSV file") from None
    except UnicodeDecodeError:
        raise ReconcileInputError(f"{path}: is not UTF-8 text") from None
    except OSError as exc:
        raise ReconcileInputError(f"{path}: cannot be read: {exc.strerror}") from None


def numbered_rows(source: str, text: str) -> Iterator[NumberedRow]:
    """CSV rows with the line each ends on, the line an editor shows."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        for row in reader:
            yield reader.line_num, row
    except csv.Error as exc:
        raise ReconcileInputError(f"{source}: line {reader.line_num}: {exc}") from None


def next_row(source: str, rows: Iterator[NumberedRow], last_line: int, wanted: str) -> NumberedRow:
    found = next(rows, None)
    if found is None:
        raise input_error(source, last_line + 1, 1, f"the file ends where {wanted} should be")
    return found


def check_header(source: str, line: int, row: list[str], header: tuple[str, ...]) -> None:
    for column, name in enumerate(header, start=1):
        found = row[column - 1] if column <= len(row) else None
        if found != name:
            shown = "nothing" if found is None else f'"{found}"'
            raise input_error(source, line, column, f'expected the header "{name}", found {shown}')
    if len(row) > len(header):
        raise input_error(source, line, len(header) + 1, f'unexpected column "{row[len(header)]}" after the header')


def decimal_text(source: str, line: int, column: int, name: str, text: str) -> str:
    """Plain decimals only, as the contract writes them: no exponent, no thousands separator."""
    if not DECIMAL_PATTERN.fullmatch(text):
        raise input_error(source, line, column, f'{name} "{text}" is not a decimal such as 0.5')
    return text


def execution_of(source: str, line: int, row: list[str], layout: Layout) -> Execution:
    header = layout.header
    if len(row) != len(header):
        column = min(len(row), len(header)) + 1
        problem = f'missing "{header[len(row)]}"' if len(row) < len(header) else "one value too many"
        raise input_error(source, line, column, f"{problem}: the header has {len(header)} columns, this row {len(row)}")
    values = dict(zip(header, row, strict=True))
    if not values["Execution ID"]:
        raise input_error(source, line, layout.column("Execution ID"), "Execution ID is empty")
    quantity, price = (
        decimal_text(source, line, layout.column(name), name, values[name]) for name in (layout.quantity, layout.price)
    )
    return Execution(
        line, values["Client Order ID"], values["Execution ID"], values["Side"], values["Symbol"], quantity, price
    )


def read_table(source: str, rows: Iterator[NumberedRow], last_line: int, layout: Layout) -> dict[str, Execution]:
    """The header, then one execution per non-empty row; an Execution ID given twice is
    an error, since matching by it would have to guess."""
    line, header = next_row(source, rows, last_line, "the header")
    check_header(source, line, header, layout.header)
    executions: dict[str, Execution] = {}
    for line, row in rows:
        if not row:
            continue
        execution = execution_of(source, line, row, layout)
        first = executions.setdefault(execution.execution_id, execution)
        if first is not execution:
            problem = f"Execution ID {execution.execution_id} repeats line {first.line}"
            raise input_error(source, line, layout.column("Execution ID"), problem)
    return executions


def parse_ledger(source: str, text: str) -> LoadedFile:
    return LoadedFile(source, read_table(source, numbered_rows(source, text), 0, LEDGER_LAYOUT))


def read_preamble(source: str, rows: Iterator[NumberedRow]) -> tuple[int, dict[str, str]]:
    """The From, To and Net Settlement lines and an empty one, which open both settlement
    files: the line reached, and the value of each label."""
    line = 0
    values: dict[str, str] = {}
    for label in PREAMBLE:
        line, row = next_row(source, rows, line, f'the "{label}" line')
        if row[:1] != [label]:
            raise input_error(source, line, 1, f'expected "{label}" (the detail file\'s preamble)')
        values[label] = row[1] if len(row) > 1 else ""
    line, row = next_row(source, rows, line, "the empty line after the preamble")
    if row:
        raise input_error(source, line, 1, "expected the empty line between the preamble and the table")
    return line, values


def parse_detail(source: str, text: str) -> LoadedFile:
    """The preamble, then the table; cash adjustments are counted and left out."""
    rows = numbered_rows(source, text)
    line, _ = read_preamble(source, rows)
    everything = read_table(source, rows, line, DETAIL_LAYOUT)
    executions = {key: e for key, e in everything.items() if e.side not in CASH_SIDES}
    return LoadedFile(source, executions, len(everything) - len(executions))


# comparing


def compare(detail: LoadedFile, ledger: LoadedFile) -> Reconciliation:
    """Every break, sorted by Execution ID; an execution both sides agree on is matched."""
    breaks: list[Break] = []
    matched = 0
    for execution_id in sorted(detail.executions.keys() | ledger.executions.keys()):
        ours, theirs = detail.executions.get(execution_id), ledger.executions.get(execution_id)
        if ours is None or theirs is None:
            kind = BreakKind.MISSING_IN_DETAIL if ours is None else BreakKind.MISSING_IN_LEDGER
            breaks.append(Break(kind, execution_id, ours, theirs))
            continue
        found = [Break(f.kind, execution_id, ours, theirs) for f in COMPARED_FIELDS if f.differs(ours, theirs)]
        breaks.extend(found)
        if not found:
            matched += 1
    return Reconciliation(detail, ledger, matched, breaks)


def reconcile_files(detail: Path, ledger: Path) -> Reconciliation:
    return compare(
        parse_detail(str(detail), read_text(detail)),
        parse_ledger(str(ledger), read_text(ledger)),
    )


# rendering


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def render_text(result: Reconciliation) -> str:
    """A header a newcomer can read, then one aligned line per break."""
    skipped = result.detail.cash_adjustments
    note = f" ({plural(skipped, 'cash adjustment')} skipped)" if skipped else ""
    lines = [
        f"detail  {result.detail.source}: {plural(len(result.detail.executions), 'execution')}{note}",
        f"ledger  {result.ledger.source}: {plural(len(result.ledger.executions), 'execution')}",
        f"{result.matched} matched, {plural(len(result.breaks), 'break')}",
    ]
    width = max(len(kind.label) for kind in BreakKind)
    lines.extend(
        f"{b.kind.label:<{width}}  exec {b.execution_id}  order {b.client_order_id}"
        f"  detail {b.shown(b.detail)}  ledger {b.shown(b.ledger)}"
        for b in result.breaks
    )
    return "\n".join(lines)


def render_json(result: Reconciliation) -> str:
    """The same content for machines; key order is fixed, so equal inputs give equal bytes."""
    document = {
        "detail": {
            "file": result.detail.source,
            "executions": len(result.detail.executions),
            "cashAdjustmentsSkipped": result.detail.cash_adjustments,
        },
        "ledger": {"file": result.ledger.source, "executions": len(result.ledger.executions)},
        "matched": result.matched,
        "breakCount": len(result.breaks),
        "breaks": [b.to_json() for b in result.breaks],
    }
    return json.dumps(document, indent=2)
