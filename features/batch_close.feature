@batch
Feature: Closing a batch: the declared count and the holdings check
  Close declares how many allocations the batch accepted (the PENDING ones,
  not the rejected). A different count rejects the batch and everything
  pending in it. A matching count closes it, and each SELL is then checked
  against the account's holdings, cumulatively per account in submission
  order, before the batch's one market order goes out.

  Background:
    Given a sandbox with seed 7 at "2026-03-02T14:00:00Z"
    And the market for BTCUSD is fixed at "43000.00" with a spread of 10 bps
    And a client "acme" with funding model NET_SETTLEMENT
    And client "acme" has investors INV00001 to INV00003 holding "0.5" BTC

  @count_mismatch @sqs
  Scenario: Declaring more allocations than accepted rejects the batch and its pending allocations
    Given "acme" opens a NOTIONAL batch "b1" for BTCUSD
    And "acme" allocates BUY "200" of BTCUSD to INV00001 as "a1" in batch "b1"
    And "acme" allocates SELL "150" of BTCUSD to INV00002 as "a2" in batch "b1"
    And "acme" allocates BUY "200" of BTCUSD to INV00099 as "a3" in batch "b1"
    Then the batch "b1" is OPEN with 2 allocations
    When "acme" closes batch "b1" with 3 allocations
    Then the last answer is REJECTED with reason "Allocations count mismatch: expected 3, found 2"
    And the batch "b1" is REJECTED with reason "Allocations count mismatch: expected 3, found 2"
    And the allocation "a1" is REJECTED with reason "Batch rejected: allocations count mismatch"
    And the allocation "a2" is REJECTED with reason "Batch rejected: allocations count mismatch"
    And the allocation "a3" is REJECTED with reason "Invalid account Id"
    When the clock advances 1 second
    Then "acme"'s account INV00001 holds "0.5" BTC
    And "acme"'s account INV00002 holds "0.5" BTC
    And "acme"'s firm allocation account holds "0" BTC
    And "acme"'s queue has delivered these events in any order:
      | resource   | name | status   | reason                                          |
      | batch      | b1   | OPEN     |                                                 |
      | allocation | a3   | REJECTED | Invalid account Id                              |
      | batch      | b1   | REJECTED | Allocations count mismatch: expected 3, found 2 |
      | allocation | a1   | REJECTED | Batch rejected: allocations count mismatch      |
      | allocation | a2   | REJECTED | Batch rejected: allocations count mismatch      |
    And "acme"'s last event for the batch "b1" equals its API answer
    And "acme"'s last event for the allocation "a1" equals its API answer

  @count_mismatch @sqs
  Scenario: Declaring fewer allocations than accepted rejects the batch too
    Given "acme" opens a QUANTITY batch "q1" for BTCUSD
    And "acme" allocates BUY "0.01" of BTCUSD to INV00001 as "a1" in batch "q1"
    And "acme" allocates BUY "0.02" of BTCUSD to INV00002 as "a2" in batch "q1"
    When "acme" closes batch "q1" with 1 allocation
    Then the last answer is REJECTED with reason "Allocations count mismatch: expected 1, found 2"
    And the allocation "a1" is REJECTED with reason "Batch rejected: allocations count mismatch"
    And the allocation "a2" is REJECTED with reason "Batch rejected: allocations count mismatch"
    And "acme"'s queue has delivered one allocation/batch/1 event for the batch "q1" with status REJECTED and reason "Allocations count mismatch: expected 1, found 2"
    And "acme"'s queue has delivered 4 events

  @count_mismatch
  Scenario: The declared count leaves out rejected allocations
    Given "acme" opens a NOTIONAL batch "b1" for BTCUSD
    And "acme" allocates BUY "200" of BTCUSD to INV00001 as "a1" in batch "b1"
    And "acme" allocates BUY "0" of BTCUSD to INV00002 as "a2" in batch "b1"
    And "acme" allocates BUY "300" of BTCUSD to INV00003 as "a3" in batch "b1"
    When "acme" closes batch "b1" with 2 allocations
    Then the last answer is CLOSED
    And the batch "b1" is IN_PROGRESS with 2 allocations
    When the clock advances 1 second
    Then the batch "b1" is COMPLETE with 2 allocations
    And the allocation "a1" is COMPLETE with price "43021.5", quantity "0.00464884", fee "0" and net money "200"
    And the allocation "a2" is REJECTED with reason "Allocation amount must be greater than zero"
    And the allocation "a3" is COMPLETE with price "43021.5", quantity "0.00697326", fee "0" and net money "300"

  @holdings @sqs
  Scenario: SELLs are checked against holdings cumulatively per account in submission order
    # INV00001 holds 0.5: a1 takes 0.3, a2 would need 0.6 in all and is
    # rejected, a3 fits in what a2 left; the BUY a5 adds nothing before
    # completion. The net, 0.7 BTC to sell, fills at the best bid 42978.50.
    Given "acme" opens a QUANTITY batch "q1" for BTCUSD
    And "acme" allocates SELL "0.3" of BTCUSD to INV00001 as "a1" in batch "q1"
    And "acme" allocates SELL "0.3" of BTCUSD to INV00001 as "a2" in batch "q1"
    And "acme" allocates SELL "0.2" of BTCUSD to INV00001 as "a3" in batch "q1"
    And "acme" allocates SELL "0.3" of BTCUSD to INV00002 as "a4" in batch "q1"
    And "acme" allocates BUY "0.1" of BTCUSD to INV00001 as "a5" in batch "q1"
    When "acme" closes batch "q1" with 5 allocations
    Then the last answer is CLOSED
    And the allocation "a2" is REJECTED with reason "Insufficient BTC available to allocate"
    When the clock advances 1 second
    Then the allocation "a1" is COMPLETE with price "42978.5", quantity "0.3", fee "0" and net money "12893.55"
    And the allocation "a3" is COMPLETE with price "42978.5", quantity "0.2", fee "0" and net money "8595.7"
    And the allocation "a4" is COMPLETE with price "42978.5", quantity "0.3", fee "0" and net money "12893.55"
    And the allocation "a5" is COMPLETE with price "42978.5", quantity "0.1", fee "0" and net money "4297.85"
    And the batch "q1" is COMPLETE with 5 allocations
    And "acme"'s account INV00001 holds "0.1" BTC
    And "acme"'s account INV00002 holds "0.2" BTC
    And "acme"'s firm allocation account holds "0" BTC
    And "acme"'s queue has delivered these events in order:
      | resource   | name | status   | reason                                 |
      | batch      | q1   | OPEN     |                                        |
      | batch      | q1   | CLOSED   |                                        |
      | allocation | a2   | REJECTED | Insufficient BTC available to allocate |
      | allocation | a1   | COMPLETE |                                        |
      | allocation | a3   | COMPLETE |                                        |
      | allocation | a4   | COMPLETE |                                        |
      | allocation | a5   | COMPLETE |                                        |
      | batch      | q1   | COMPLETE |                                        |
    And "acme"'s last event for the allocation "a2" equals its API answer

  @holdings @sqs
  Scenario: A NOTIONAL SELL is valued at the best bid for the holdings check
    # At the mid, 430 USD is exactly 0.01 BTC; at the bid 42978.50 it is
    # 0.01000500 BTC, more than TINY1 holds. With nothing left to process the
    # batch is rejected.
    Given client "acme" has an investor TINY1 holding "0.01" BTC
    And "acme" opens a NOTIONAL batch "n1" for BTCUSD
    And "acme" allocates SELL "430" of BTCUSD to TINY1 as "a1" in batch "n1"
    When "acme" closes batch "n1" with 1 allocation
    And the clock advances 1 second
    Then the allocation "a1" is REJECTED with reason "Insufficient BTC available to allocate"
    And the batch "n1" is REJECTED with reason "No allocations to process"
    And "acme"'s account TINY1 holds "0.01" BTC
    And "acme"'s queue has delivered these events in order:
      | resource   | name | status   | reason                                 |
      | batch      | n1   | OPEN     |                                        |
      | batch      | n1   | CLOSED   |                                        |
      | allocation | a1   | REJECTED | Insufficient BTC available to allocate |
      | batch      | n1   | REJECTED | No allocations to process              |
    And "acme"'s last event for the batch "n1" equals its API answer

  @holdings @sqs
  Scenario: A NOTIONAL SELL the holding covers at the bid completes at the bid
    # 429.78 / 42978.50 = 0.0099998837... -> 0.00999988 BTC, within 0.01.
    Given client "acme" has an investor TINY1 holding "0.01" BTC
    And "acme" opens a NOTIONAL batch "n1" for BTCUSD
    And "acme" allocates SELL "429.78" of BTCUSD to TINY1 as "a1" in batch "n1"
    When "acme" closes batch "n1" with 1 allocation
    And the clock advances 1 second
    Then the allocation "a1" is COMPLETE with price "42978.5", quantity "0.00999988", fee "0" and net money "429.78"
    And the batch "n1" is COMPLETE with 1 allocation
    And "acme"'s account TINY1 holds "0.00000012" BTC
    And "acme"'s firm allocation account holds "0" BTC
    And "acme"'s queue has delivered one allocation/batch/1 event for the allocation "a1" with status COMPLETE
    And "acme"'s last event for the allocation "a1" equals its API answer

  @holdings @fees @sqs
  Scenario: A NOTIONAL SELL is checked again at completion, at its marked-down price
    # At the bid 429.78 USD is 0.00999988 BTC and passes. The SELL order
    # fills at 42978.50, which a 25 bps markup moves down to 42871.05375:
    # 0.01002495 BTC, more than TINY1 holds. The firm keeps what it sold.
    Given a client "mark" with commission MARKUP 25 bps
    And client "mark" has an investor TINY1 holding "0.01" BTC
    And "mark" opens a NOTIONAL batch "n1" for BTCUSD
    And "mark" allocates SELL "429.78" of BTCUSD to TINY1 as "a1" in batch "n1"
    When "mark" closes batch "n1" with 1 allocation
    Then the batch "n1" is IN_PROGRESS with 1 allocation
    When the clock advances 1 second
    Then the allocation "a1" is REJECTED with reason "Insufficient BTC available to allocate"
    And the batch "n1" is REJECTED with reason "No allocations to process"
    And "mark"'s account TINY1 holds "0.01" BTC
    And "mark"'s firm allocation account holds "-0.00999988" BTC
    And "mark"'s queue has delivered these events in order:
      | resource   | name | status   | reason                                 |
      | batch      | n1   | OPEN     |                                        |
      | batch      | n1   | CLOSED   |                                        |
      | allocation | a1   | REJECTED | Insufficient BTC available to allocate |
      | batch      | n1   | REJECTED | No allocations to process              |

  @outage @sqs
  Scenario: A market outage between the close and the fill rejects the batch and its allocations
    Given "acme" opens a NOTIONAL batch "b1" for BTCUSD
    And "acme" allocates BUY "200" of BTCUSD to INV00001 as "a1" in batch "b1"
    And "acme" allocates SELL "50" of BTCUSD to INV00002 as "a2" in batch "b1"
    When "acme" closes batch "b1" with 2 allocations
    And the market for BTCUSD has an outage
    And the clock advances 1 second
    Then the allocation "a1" is REJECTED with reason "unknown: empty quotes"
    And the allocation "a2" is REJECTED with reason "unknown: empty quotes"
    And the batch "b1" is REJECTED with reason "unknown: empty quotes"
    And "acme"'s account INV00001 holds "0.5" BTC
    And "acme"'s account INV00002 holds "0.5" BTC
    And "acme"'s firm allocation account holds "0" BTC
    And "acme"'s queue has delivered these events in order:
      | resource   | name | status   | reason                |
      | batch      | b1   | OPEN     |                       |
      | batch      | b1   | CLOSED   |                       |
      | allocation | a1   | REJECTED | unknown: empty quotes |
      | allocation | a2   | REJECTED | unknown: empty quotes |
      | batch      | b1   | REJECTED | unknown: empty quotes |
