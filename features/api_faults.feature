@api_faults
Feature: A client's retry loop survives API faults
  Seeded faults on /apex-crypto calls: an error answer (here 503) changes
  nothing, a lost response commits the change and then answers 504. A client
  that resends the same request with the same clientTransactionId ends with
  every allocation recorded exactly once, whichever calls the seed fails.

  Background:
    Given a sandbox with seed 11 at "2026-03-02T15:00:00Z"
    And the market for BTCUSD is fixed at "43000.00" with a spread of 10 bps
    And a client "acme"
    And client "acme" has investors INV00001 to INV00006
    And "acme" opens a NOTIONAL batch "b1" for BTCUSD

  Scenario: An error answer changes nothing; a lost response commits, then answers 504
    When the API answers 503 to 100% of calls and loses 0% of responses
    And "acme" allocates BUY "100" of BTCUSD to INV00001 as "a1" in batch "b1", once, whatever it answers
    Then the last answer has status 503 and message "Service Unavailable"
    When the API faults are cleared
    Then the batch "b1" is OPEN with 0 allocations
    When the API answers 503 to 0% of calls and loses 100% of responses
    And "acme" allocates BUY "100" of BTCUSD to INV00001 as "a1" in batch "b1", once, whatever it answers
    Then the last answer has status 504 and message "Gateway Timeout"
    When the API faults are cleared
    Then the batch "b1" is OPEN with 1 allocation
    And the allocation "a1" is PENDING with amount "100"
    When "acme" allocates BUY "100" of BTCUSD to INV00001 as "a1" in batch "b1"
    Then the last answer is REJECTED with reason "Duplicate clientTransactionId; the allocation request already exists"

  Scenario: Retrying with the same clientTransactionId allocates each request once
    Given the API answers 503 to 30% of calls and loses 30% of responses
    When "acme" allocates BUY "100" of BTCUSD to INV00001 as "a1" in batch "b1", retrying until it is answered
    And "acme" allocates BUY "110" of BTCUSD to INV00002 as "a2" in batch "b1", retrying until it is answered
    And "acme" allocates BUY "120" of BTCUSD to INV00003 as "a3" in batch "b1", retrying until it is answered
    And "acme" allocates BUY "130" of BTCUSD to INV00004 as "a4" in batch "b1", retrying until it is answered
    And "acme" allocates BUY "140" of BTCUSD to INV00005 as "a5" in batch "b1", retrying until it is answered
    And "acme" allocates BUY "150" of BTCUSD to INV00006 as "a6" in batch "b1", retrying until it is answered
    When the API faults are cleared
    Then the batch "b1" is OPEN with 6 allocations
    And the allocation "a1" is PENDING with amount "100"
    And the allocation "a6" is PENDING with amount "150"
    When "acme" closes batch "b1" with 6 allocations
    And the clock advances 1 second
    Then the batch "b1" is COMPLETE
    And "acme"'s queue has delivered 9 events
