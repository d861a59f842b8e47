"""Settlement windows and the other files each client received (CONTRACT section 9).

NET_SETTLEMENT clients get a summary and a detail file per 09:00 CT window;
their header lines give the window and its Net Settlement. TPJ clients get
cash reports and aged TPJ files instead, shown as a listing. Files are read
as written: a line that does not parse leaves its field empty rather than
hiding the file.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from simulator.replay.html.lenient import decimal_or_none, instant_or_none
from simulator.service.outputs import StoredFile
from simulator.service.settlement import DETAIL_SUFFIX, SETTLEMENT_FOLDER, SUMMARY_SUFFIX


@dataclass(frozen=True)
class SettlementWindow:
    client: str
    key: str
    window_from: str
    window_to: str
    to_ns: int | None
    net: Decimal | None
    net_text: str
    executions: int | None
    """Rows of the matching detail file; None when there is none."""
    coins: tuple[tuple[str, ...], ...]
    """The summary table's coin rows (without `all`)."""


@dataclass(frozen=True)
class ClientFile:
    client: str
    key: str
    written_ns: int
    rows: int
    """Data rows below the header line."""


def split_sections(body: bytes) -> tuple[dict[str, str], list[list[str]]]:
    """The `Name,value` lines before the first empty line, and the table after it."""
    head, _, table = body.decode("utf-8", errors="replace").partition("\n\n")
    fields = {row[0]: row[1] for row in csv.reader(io.StringIO(head)) if len(row) >= 2}
    return fields, [row for row in csv.reader(io.StringIO(table)) if row]


def data_rows(body: bytes) -> int:
    """Records of a CSV below its header, after the settlement files' `Name,value` block if any.

    A quoted line break (an account id holding one) stays inside its record;
    text csv cannot read is counted by lines.
    """
    text = body.decode("utf-8", errors="replace")
    table = text.partition("\n\n")[2] if "\n\n" in text else text
    try:
        records = sum(1 for row in csv.reader(io.StringIO(table, newline="")) if row)
    except csv.Error:
        records = sum(1 for line in table.split("\n") if line)
    return max(0, records - 1)


def read_windows(files: Iterable[StoredFile]) -> tuple[SettlementWindow, ...]:
    """One window per summary file, ordered by client then window end."""
    stored = list(files)
    details = {(f.client, f.key): f for f in stored if f.key.endswith(DETAIL_SUFFIX)}
    windows = []
    for summary in stored:
        if not (summary.key.startswith(SETTLEMENT_FOLDER) and summary.key.endswith(SUMMARY_SUFFIX)):
            continue
        fields, table = split_sections(summary.body)
        detail = details.get((summary.client, summary.key.removesuffix(SUMMARY_SUFFIX) + DETAIL_SUFFIX))
        net_text = fields.get("Net Settlement", "")
        windows.append(
            SettlementWindow(
                client=summary.client,
                key=summary.key,
                window_from=fields.get("From", ""),
                window_to=fields.get("To", ""),
                to_ns=instant_or_none(fields.get("To")),
                net=decimal_or_none(net_text) if net_text else None,
                net_text=net_text,
                executions=None if detail is None else data_rows(detail.body),
                coins=tuple(tuple(row) for row in table[1:] if row[0] != "all"),
            )
        )
    return tuple(sorted(windows, key=lambda window: (window.client, window.key)))


def other_files(files: Iterable[StoredFile]) -> tuple[ClientFile, ...]:
    """Every file outside eod_settlement/, by client then key."""
    listed = [
        ClientFile(f.client, f.key, f.written_ns, data_rows(f.body))
        for f in files
        if not f.key.startswith(SETTLEMENT_FOLDER)
    ]
    return tuple(sorted(listed, key=lambda f: (f.client, f.key)))
