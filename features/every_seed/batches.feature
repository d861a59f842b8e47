@batch
Feature: Batches end right in every seeded world
  These scenarios name no price, quote size or id: they state what holds in
  every seeded world, under any fault profile that --bakkt-faults random
  draws (queue duplicates and delays, failed uploads, fill latency, market
  outages, volatility and spread). CI runs them over seeds 1 to 20 with
  random faults; the clock moves on for hours, past every outage window,
  delivery delay and upload retry, before anything is checked.

  Background:
    Given a sandbox with seed 1 at "2026-03-02T14:00:00Z"
    And a client "acme"
    And client "acme" has investors INV00001 to INV00004 holding "0.5" BTC

  Scenario: A mixed NOTIONAL batch finishes, moves exactly what it completed and reaches the queue once
    When "acme" opens a NOTIONAL batch "b1" for BTCUSD
    And "acme" allocates BUY "200" of BTCUSD to INV00001 as "a1" in batch "b1"
    And "acme" allocates BUY "150" of BTCUSD to INV00002 as "a2" in batch "b1"
    And "acme" allocates SELL "100" of BTCUSD to INV00003 as "a3" in batch "b1"
    And "acme" closes batch "b1" with 3 allocations
    And the clock advances to "2026-03-02T16:30:00Z"
    Then the batch "b1" has finished with 3 allocations, each COMPLETE or REJECTED
    And "acme"'s investors hold their "0.5" BTC moved by exactly their COMPLETE allocations
    And "acme"'s queue has delivered each event the sandbox published, duplicates aside
    And every file the sandbox lists for "acme" is in its bucket
    And "acme"'s settlement files for "2026-03-02" agree with each other

  Scenario: Batches on two days settle in two windows whose files agree
    When "acme" opens a QUANTITY batch "b1" for BTCUSD
    And "acme" allocates BUY "0.01" of BTCUSD to INV00001 as "a1" in batch "b1"
    And "acme" allocates SELL "0.02" of BTCUSD to INV00002 as "a2" in batch "b1"
    And "acme" closes batch "b1" with 2 allocations
    And the clock advances to "2026-03-03T14:00:00Z"
    And "acme" opens a NOTIONAL batch "b2" for ETHUSD
    And "acme" allocates BUY "300" of ETHUSD to INV00003 as "a3" in batch "b2"
    And "acme" allocates BUY "50" of ETHUSD to INV00004 as "a4" in batch "b2"
    And "acme" closes batch "b2" with 2 allocations
    And the clock advances to "2026-03-03T16:30:00Z"
    Then the batch "b1" has finished with 2 allocations, each COMPLETE or REJECTED
    And the batch "b2" has finished with 2 allocations, each COMPLETE or REJECTED
    And "acme"'s investors hold their "0.5" BTC moved by exactly their COMPLETE allocations
    And "acme"'s queue has delivered each event the sandbox published, duplicates aside
    And every file the sandbox lists for "acme" is in its bucket
    And "acme"'s settlement files for "2026-03-02" agree with each other
    And "acme"'s settlement files for "2026-03-03" agree with each other
