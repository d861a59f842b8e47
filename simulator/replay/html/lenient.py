"""Readers that give None instead of raising: a report shows whatever the run produced."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from simulator.engine.clock import TimeFormatError, parse_instant


def instant_or_none(text: object) -> int | None:
    if not isinstance(text, str):
        return None
    try:
        return parse_instant(text)
    except TimeFormatError:
        return None


def decimal_or_none(value: object) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None
