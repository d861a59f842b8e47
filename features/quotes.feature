Feature: Live quotes and order entry events
  The vendor publishes prices only over a WebSocket: a client calls
  GET /config, connects to `streamingQuoteUrl` with its token and shows its
  investors the bids and asks it reads. Each symbol's best bid and offer
  refreshes every simulated second; the stream carries one quote per symbol
  each time the clock stops after a refresh, so an advance past many
  refreshes shows each symbol's latest quote, never a backlog: a quote not
  yet read when a newer one comes is replaced by it. Subscribing to symbols
  shows their current quotes at once. `streamingOrderEntryEventUrl`
  carries the client's own `order/1` payloads, as its queue does.

  With the mid fixed at 43000.00 and a 10 bps spread, the best provider
  (LP-ALPHA) quotes 42978.5 / 43021.5.

  Background:
    Given a sandbox with seed 11 at "2026-03-02T14:00:00Z"
    And the market for BTCUSD is fixed at "43000.00" with a spread of 10 bps
    And a client "acme"

  Scenario: Subscribing shows the current quote at once
    When "acme" watches the quote stream for BTCUSD
    Then the quote stream shows 1 quote for BTCUSD
    And the quote stream shows BTCUSD with a bid "42978.5" and an ask "43021.5"
    And the quote stream shows BTCUSD quoted at "2026-03-02T14:00:00Z"
    And the quote stream shows BTCUSD at the market's best bid and offer
    And the quote stream shows 0 quotes for ETHUSD

  Scenario: An advance shows the latest quote, never a backlog
    When "acme" watches the quote stream for BTCUSD,ETHUSD
    Then the quote stream shows 1 quote for BTCUSD
    When the clock advances 30 seconds
    Then the quote stream shows 2 quotes for BTCUSD
    And the quote stream shows BTCUSD quoted at "2026-03-02T14:00:30Z"
    And the quote stream shows BTCUSD at the market's best bid and offer
    And the quote stream shows ETHUSD at the market's best bid and offer
    When the clock advances 0.5 seconds
    Then the quote stream shows 2 quotes for BTCUSD

  Scenario: Without a subscription every symbol refreshes
    Given "acme" watches the quote stream
    When the clock advances 1 second
    Then the quote stream shows 1 quote for BTCUSD
    And the quote stream shows 1 quote for DOGEUSD
    And the quote stream shows DOGEUSD quoted at "2026-03-02T14:00:01Z"

  Scenario: A price change shows at once, an outage without a bid or an ask
    When "acme" watches the quote stream for BTCUSD
    And the market for BTCUSD moves to "44000.00"
    Then the quote stream shows 1 quote for BTCUSD
    And the quote stream shows BTCUSD with a bid "43978" and an ask "44022"
    When the market for BTCUSD has an outage
    Then the quote stream shows BTCUSD without a bid or an ask
    And the quote stream shows 2 quotes for BTCUSD

  Scenario: Order entry events are the client's order events, as its queue has them
    Given client "acme" has investors INV00001 to INV00002 holding "0.5" BTC
    And "acme" watches its order entry events
    When "acme" places a MARKET IOC BUY order "o1" for "0.01" BTCUSD on INV00001
    And "acme" places a MARKET IOC SELL order "o2" for "0.02" BTCUSD on INV00002
    And the clock advances 1 second
    Then "acme"'s order entry events match its queue's order events
