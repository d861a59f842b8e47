@reconcile @settlement
Feature: Reconciling a client's ledger with the settlement detail file
  A NET_SETTLEMENT client books every execution in its own ledger and,
  after each 09:00 CT cutoff, checks it against the detail file Bakkt wrote:
  `bakkt-sim reconcile --detail FILE --ledger FILE` matches them by
  Execution ID and lists every break. Cash adjustments (DEPOSIT and
  WITHDRAWAL rows) are not executions: they are counted and skipped.

  The sandbox starts at 14:00Z on March 2nd, so the batch falls in the window
  that closes at 09:00 CT (15:00Z) the same day: the file of "2026-03-02".

  Background:
    Given a sandbox with seed 7 at "2026-03-02T14:00:00Z"
    And the market for BTCUSD is fixed at "43000.00" with a spread of 10 bps
    And a client "acme" with funding model NET_SETTLEMENT
    And client "acme" has investors INV00001 to INV00002
    And support deposits "100.00" USD cash to INV00001 of "acme"
    And "acme" opens a NOTIONAL batch "b1" for BTCUSD
    And "acme" allocates BUY "200" of BTCUSD to INV00001 as "a1" in batch "b1"
    And "acme" allocates BUY "1000" of BTCUSD to INV00002 as "a2" in batch "b1"
    And "acme" closes batch "b1" with 2 allocations
    When the clock advances 1 second
    And the clock advances to "2026-03-02T15:00:00Z"
    And "acme" books the allocation "a1" in its ledger
    And "acme" books the allocation "a2" in its ledger

  Scenario: A ledger booked from the API's answers matches the detail file
    When "acme" reconciles its ledger with the settlement detail of "2026-03-02"
    Then the reconciliation matches 2 executions with no break
    And the reconciliation skipped 1 cash adjustment

  Scenario: Decimals compare by value, not by how they are written
    When "acme" sets "Price" of the allocation "a1" to "43021.50" in its ledger
    And "acme" reconciles its ledger with the settlement detail of "2026-03-02"
    Then the reconciliation matches 2 executions with no break

  Scenario: A mistyped price and an allocation never booked are breaks
    When "acme" sets "Price" of the allocation "a2" to "43021.49" in its ledger
    And "acme" drops the allocation "a1" from its ledger
    And "acme" reconciles its ledger with the settlement detail of "2026-03-02"
    Then the reconciliation finds these breaks:
      | kind              | allocation |
      | price_differs     | a2         |
      | missing_in_ledger | a1         |
