"""The one SELL coverage rule (domain.batches.uncovered_sells), as both checks of a batch use it."""
from __future__ import annotations

from decimal import Decimal

from simulator.domain.batches import Allocation, uncovered_sells
from simulator.domain.fees import Side

D = Decimal


def allocation(name: str, side: Side, account: str = "A") -> Allocation:
    return Allocation(name, "", {}, f"ct-{name}", "BTCUSD", account, side, D(100), None, None)


def holding(**by_account: str) -> dict[str, Decimal]:
    return {account: D(value) for account, value in by_account.items()}


def test_sells_take_from_their_account_cumulatively_and_a_short_one_takes_nothing() -> None:
    first, big, fits = (allocation(name, Side.SELL) for name in ("first", "big", "fits"))
    other = allocation("other", Side.SELL, account="B")
    taken = {"first": D("0.4"), "big": D("0.7"), "fits": D("0.6"), "other": D("0.5")}
    short = uncovered_sells([first, big, other, fits], lambda sell: taken[sell.id], holding(A="1", B="0.4").__getitem__)
    assert short == [big, other]


def test_buys_are_not_valued_and_never_cover_a_sell() -> None:
    buy, sell = allocation("buy", Side.BUY), allocation("sell", Side.SELL)
    valued: list[str] = []

    def quantity_of(each: Allocation) -> Decimal:
        valued.append(each.id)
        return D(1)

    assert uncovered_sells([buy, sell], quantity_of, holding(A="0.5").__getitem__) == [sell]
    assert valued == ["sell"]


def test_completion_values_each_sell_at_its_own_quantity() -> None:
    """At close a NOTIONAL SELL of 100 USD fits at the bid; at a lower completion price it takes more coin."""
    sell = allocation("sell", Side.SELL)
    at_bid, at_completion = D(100) / D(200), D(100) / D(199)
    assert uncovered_sells([sell], lambda _: at_bid, holding(A="0.5").__getitem__) == []
    assert uncovered_sells([sell], lambda _: at_completion, holding(A="0.5").__getitem__) == [sell]
