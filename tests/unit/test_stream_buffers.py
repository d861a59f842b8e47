"""A connection's buffers stay bounded whatever its reader does (DESIGN-NOTES "Streams")."""
from __future__ import annotations

import threading

from simulator.api.stream_buffers import GONE, MAX_PENDING_EVENTS, TOO_SLOW, OrderEventBuffer, QuoteBuffer
from simulator.api.stream_frames import RESET


def test_a_quote_waiting_is_replaced_by_the_newer_one_in_its_place() -> None:
    buffer = QuoteBuffer("acme", ("BTCUSD", "ETHUSD"))
    for second in range(1000):
        buffer.offer("BTCUSD", f"btc {second}")
        buffer.offer("ETHUSD", f"eth {second}")
    assert buffer.take() == ["btc 999", "eth 999"]
    assert buffer.take() == []


def test_a_resubscribe_keeps_only_the_symbols_named_starting_from_their_current_quotes() -> None:
    buffer = QuoteBuffer("acme", ("BTCUSD", "ETHUSD", "SOLUSD"))
    buffer.offer("BTCUSD", "btc old")
    buffer.offer("SOLUSD", "sol old")
    buffer.resubscribe({"ETHUSD": "eth now", "BTCUSD": "btc now"})
    assert buffer.symbols == {"BTCUSD", "ETHUSD"}
    assert buffer.take() == ["eth now", "btc now"]


def test_the_reader_is_woken_only_when_its_buffer_stops_being_empty() -> None:
    wakes: list[int] = []
    buffer = QuoteBuffer("acme", ("BTCUSD", "ETHUSD"), lambda: wakes.append(1))
    buffer.offer("BTCUSD", "a")
    buffer.offer("ETHUSD", "b")
    buffer.offer("BTCUSD", "c")
    assert len(wakes) == 1
    buffer.take()
    buffer.offer("BTCUSD", "d")
    assert len(wakes) == 2
    buffer.close(RESET)
    assert len(wakes) == 3, "closing wakes the reader, to send what waits and then the close"


def test_order_events_wait_in_order_up_to_the_bound_then_the_stream_closes() -> None:
    buffer = OrderEventBuffer("acme")
    for index in range(MAX_PENDING_EVENTS):
        buffer.offer(f"event {index}")
    assert buffer.closing is None
    buffer.offer("one too many")
    assert buffer.closing == TOO_SLOW and TOO_SLOW.code == 1008
    assert buffer.take() == [], "a reader too slow gets a close, not a stream with holes"
    buffer.offer("after the close")
    assert buffer.take() == []


def test_a_reader_that_keeps_up_gets_every_event_in_order() -> None:
    buffer = OrderEventBuffer("acme")
    taken: list[str] = []
    for index in range(3 * MAX_PENDING_EVENTS):
        buffer.offer(f"event {index}")
        if index % 500 == 499:
            taken += buffer.take()
    taken += buffer.take()
    assert buffer.closing is None
    assert taken == [f"event {index}" for index in range(3 * MAX_PENDING_EVENTS)]


def test_wait_returns_the_frames_as_soon_as_one_is_offered_from_another_thread() -> None:
    buffer = OrderEventBuffer("acme")
    offered = threading.Thread(target=buffer.offer, args=("event",))
    offered.start()
    assert buffer.wait(timeout=30) == ["event"]
    offered.join()
    assert buffer.wait(timeout=0) == []


def test_the_first_reason_to_close_stays() -> None:
    buffer = QuoteBuffer("acme", ("BTCUSD",))
    buffer.close(RESET)
    buffer.close(GONE)
    assert buffer.closing == RESET
    buffer.offer("BTCUSD", "late")
    assert buffer.take() == []
