@batch @rejects
Feature: Batch trade allocation rejects and request errors
  A well-formed request that breaks a business rule answers 200 with status
  REJECTED and the reason word for word; the reject is recorded, retrievable
  and published. Requests the API cannot take (unknown ids, duplicates of a
  batch, a closed batch, a malformed field) answer 400 and change nothing.

  Background:
    Given a sandbox with seed 11 at "2026-03-02T14:00:00Z"
    And the market for BTCUSD is fixed at "43000.00" with a spread of 10 bps
    And a client "acme" with funding model NET_SETTLEMENT
    And client "acme" has investors INV00001 to INV00002 holding "0.5" BTC
    And a client "solo" without a firm allocation account
    And client "solo" has an investor INV00001 holding "0.5" BTC
    And a client "other"
    And client "other" has investors OTH00001 to OTH00001 holding "0.5" BTC
    And "acme" opens a NOTIONAL batch "b1" for BTCUSD
    And "acme" opens a QUANTITY batch "q1" for BTCUSD
    And "acme" opens a NOTIONAL batch "done" for BTCUSD
    And "acme" closes batch "done" with 0 allocations
    And "solo" opens a NOTIONAL batch "s1" for BTCUSD

  @sqs
  Scenario Outline: Allocate rule <rule> rejects with "<reason>"
    When "<client>" allocates <side> "<amount>" of <symbol> to <account> as "x1" in batch "<batch>" with:
      | bpsCommission   | <bps>   |
      | fixedCommission | <fixed> |
    Then the last answer is REJECTED with reason "<reason>"
    And the allocation "x1" is REJECTED with reason "<reason>"
    And "<client>"'s queue has delivered one allocation/batch/1 event for the allocation "x1" with status REJECTED and reason "<reason>"
    And "<client>"'s last event for the allocation "x1" equals its API answer

    Examples: each rule broken alone, where the rules allow it
      | rule | client | batch | side | amount      | symbol | account   | bps   | fixed | reason                                                     |
      | 2    | solo   | s1    | BUY  | 100         | BTCUSD | INV00001  |       |       | The Firm Allocation Account does not exist for this client |
      | 3    | acme   | nope  | BUY  | 100         | BTCUSD | INV00001  |       |       | Invalid batchTransactionId                                 |
      | 3    | acme   | s1    | BUY  | 100         | BTCUSD | INV00001  |       |       | Invalid batchTransactionId                                 |
      | 4    | acme   | done  | BUY  | 100         | BTCUSD | INV00001  |       |       | Batch is not open                                          |
      | 5    | acme   | b1    | BUY  | 100         | XYZUSD | INV00001  |       |       | Invalid symbol                                             |
      | 6    | acme   | b1    | BUY  | 100         | ETHUSD | INV00001  |       |       | Symbol does not match batch symbol                         |
      | 7    | acme   | b1    | BUY  | 100         | BTCUSD | INV00099  |       |       | Invalid account Id                                         |
      | 7    | acme   | b1    | SELL | 100         | BTCUSD | OTH00001  |       |       | Invalid account Id                                         |
      | 7    | acme   | b1    | BUY  | 100         | BTCUSD | FIRM00001 |       |       | Invalid account Id                                         |
      | 8    | acme   | b1    | BUY  | 0           | BTCUSD | INV00001  |       |       | Allocation amount must be greater than zero                |
      | 8    | acme   | b1    | SELL | -5          | BTCUSD | INV00001  |       |       | Allocation amount must be greater than zero                |
      | 9    | acme   | b1    | BUY  | 100.001     | BTCUSD | INV00001  |       |       | Allocation amount has too many decimal places              |
      | 9    | acme   | q1    | BUY  | 0.000000001 | BTCUSD | INV00001  |       |       | Allocation amount has too many decimal places              |
      | 10   | acme   | b1    | BUY  | 100         | BTCUSD | INV00001  | 10001 |       | Invalid commission                                         |
      | 10   | acme   | b1    | BUY  | 100         | BTCUSD | INV00001  | -1    |       | Invalid commission                                         |
      | 10   | acme   | b1    | BUY  | 100         | BTCUSD | INV00001  |       | -0.01 | Invalid commission                                         |
      | 10   | acme   | b1    | BUY  | 100         | BTCUSD | INV00001  | 5     | 1.00  | Invalid commission                                         |

    Examples: the first failing rule wins over every later one
      | rule | client | batch | side | amount | symbol | account  | bps   | fixed | reason                                                     |
      | 2    | solo   | nope  | BUY  | -0.001 | XYZUSD | INV00099 | 10001 | -1    | The Firm Allocation Account does not exist for this client |
      | 3    | acme   | nope  | BUY  | -0.001 | XYZUSD | INV00099 | 10001 | -1    | Invalid batchTransactionId                                 |
      | 4    | acme   | done  | BUY  | -0.001 | XYZUSD | INV00099 | 10001 | -1    | Batch is not open                                          |
      | 5    | acme   | b1    | BUY  | -0.001 | XYZUSD | INV00099 | 10001 | -1    | Invalid symbol                                             |
      | 6    | acme   | b1    | BUY  | -0.001 | ETHUSD | INV00099 | 10001 | -1    | Symbol does not match batch symbol                         |
      | 7    | acme   | b1    | BUY  | -0.001 | BTCUSD | INV00099 | 10001 | -1    | Invalid account Id                                         |
      | 8    | acme   | b1    | BUY  | -0.001 | BTCUSD | INV00001 | 10001 | -1    | Allocation amount must be greater than zero                |
      | 9    | acme   | b1    | BUY  | 0.001  | BTCUSD | INV00001 | 10001 | -1    | Allocation amount has too many decimal places              |

  Scenario Outline: Rule 9 compares amounts by value
    When "acme" allocates BUY "<amount>" of BTCUSD to INV00001 as "x1" in batch "<batch>"
    Then the last answer is PENDING
    And the allocation "x1" is PENDING with amount "<amount>"
    And the batch "<batch>" is OPEN with 1 allocation

    Examples:
      | batch | amount        |
      | b1    | 10.000        |
      | q1    | 0.10000000000 |

  @sqs
  Scenario: Rule 1, a duplicate clientTransactionId, records and publishes nothing
    When "acme" allocates BUY "200" of BTCUSD to INV00001 as "a1" in batch "b1"
    Then the last answer is PENDING
    When the clock advances 1 second
    And "acme" allocates SELL "999" of BTCUSD to INV00002 as "a1" in batch "b1"
    Then the last answer is REJECTED with reason "Duplicate clientTransactionId; the allocation request already exists"
    And the last answer carries the id and createdAt of the allocation "a1"
    And the allocation "a1" is PENDING with amount "200"
    And the batch "b1" is OPEN with 1 allocation
    And "acme"'s queue has delivered no event for the allocation "a1"

  @sqs
  Scenario: Rule 1 holds for a rejected clientTransactionId too
    When "acme" allocates BUY "200" of BTCUSD to INV00099 as "a1" in batch "b1"
    Then the last answer is REJECTED with reason "Invalid account Id"
    When the clock advances 1 second
    And "acme" allocates BUY "200" of BTCUSD to INV00001 as "a1" in batch "b1"
    Then the last answer is REJECTED with reason "Duplicate clientTransactionId; the allocation request already exists"
    And the last answer carries the id and createdAt of the allocation "a1"
    And the allocation "a1" is REJECTED with reason "Invalid account Id"
    And the batch "b1" is OPEN with 0 allocations
    And "acme"'s queue has delivered one allocation/batch/1 event for the allocation "a1" with status REJECTED and reason "Invalid account Id"
    And "acme"'s queue has delivered 6 events

  @sqs
  Scenario: Opening a batch without a Firm Allocation Account is rejected and published
    When "solo" opens a NOTIONAL batch "s2" for BTCUSD
    Then the last answer is REJECTED with reason "The Firm Allocation Account does not exist for this client"
    And the batch "s2" is REJECTED with reason "The Firm Allocation Account does not exist for this client"
    And "solo"'s queue has delivered one allocation/batch/1 event for the batch "s2" with status REJECTED and reason "The Firm Allocation Account does not exist for this client"
    And "solo"'s last event for the batch "s2" equals its API answer

  @sqs
  Scenario: Opening a batch for an unknown symbol is rejected and published
    When "acme" opens a QUANTITY batch "bx" for XYZUSD
    Then the last answer is REJECTED with reason "Invalid symbol"
    And the batch "bx" is REJECTED with reason "Invalid symbol"
    And "acme"'s queue has delivered one allocation/batch/1 event for the batch "bx" with status REJECTED and reason "Invalid symbol"
    And "acme"'s last event for the batch "bx" equals its API answer

  @sqs @request_errors
  Scenario: A batchTransactionId already used by the client is a 400 and changes nothing
    When "acme" opens a QUANTITY batch "b1" for ETHUSD
    Then the last answer has status 400 and message "Duplicate batchTransactionId"
    And the batch "b1" is OPEN with 0 allocations
    And "acme"'s queue has delivered one allocation/batch/1 event for the batch "b1" with status OPEN
    And "acme"'s queue has delivered these events in order:
      | resource | name | status   | reason                    |
      | batch    | b1   | OPEN     |                           |
      | batch    | q1   | OPEN     |                           |
      | batch    | done | OPEN     |                           |
      | batch    | done | CLOSED   |                           |
      | batch    | done | REJECTED | No allocations to process |

  @request_errors
  Scenario: Another client may use the same batchTransactionId
    When "other" opens a NOTIONAL batch "b1" for BTCUSD
    Then the last answer is OPEN
    And the batch "b1" is OPEN with 0 allocations

  @request_errors
  Scenario Outline: A <resource> unknown to the client is a 400
    When "<client>" looks up the <resource> "<name>"
    Then the last answer has status 400 and message "<message>"

    Examples:
      | client | resource   | name  | message                     |
      | acme   | allocation | ghost | Invalid clientTransactionId |
      | acme   | batch      | ghost | Invalid batchTransactionId  |
      | other  | batch      | b1    | Invalid batchTransactionId  |

  @request_errors
  Scenario: Another client's allocation behaves as if it did not exist
    Given "acme" allocates BUY "200" of BTCUSD to INV00001 as "a1" in batch "b1"
    When "other" looks up the allocation "a1"
    Then the last answer has status 400 and message "Invalid clientTransactionId"

  @request_errors
  Scenario Outline: Closing a batch that is <state> is a 400
    When "acme" closes batch "<batch>" with 0 allocations
    Then the last answer has status 400 and message "<message>"

    Examples:
      | state            | batch | message                    |
      | unknown          | ghost | Invalid batchTransactionId |
      | no longer open   | done  | Batch is not open          |
      | another client's | s1    | Invalid batchTransactionId |

  @request_errors
  Scenario: A malformed allocation is a 400 naming the field, and records nothing
    When "acme" allocates BUY "12,5" of BTCUSD to INV00001 as "x1" in batch "b1"
    Then the last answer has status 400 and a message naming "amount"
    When "acme" looks up the allocation "x1"
    Then the last answer has status 400 and message "Invalid clientTransactionId"
