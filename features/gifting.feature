@gifts
Feature: Gifts from the client's inventory
  A client buys coin into its Gift Account and gives it to investors. A gift
  is decided when it is requested: it completes at once at the BBO ask, the
  coin moves from the Gift Account to the investor, and the investor gets an
  email in the client's branding. A notional gift gets quantity = notional /
  ask, half-even to 0.00000001; a quantity gift gets notional = quantity *
  ask, half-even to cents. Otherwise it is REJECTED with the first failing
  rule's reason, recorded, retrievable and published, and nothing moves.

  With the mid fixed at 43000.00 and a 10 bps spread, the best ask is
  43021.50 (LP-ALPHA quotes the mid plus 5 bps).

  Background:
    Given a sandbox with seed 13 at "2026-03-02T14:00:00Z"
    And the market for BTCUSD is fixed at "43000.00" with a spread of 10 bps
    And a client "acme" with branding:
      | logoUrl      | https://acme.test/logo.png |
      | ctaUrl       | https://acme.test/trade    |
      | contactEmail | help@acme.test             |
    And client "acme" has investors INV00001 to INV00002
    And client "acme" has "1" BTC in its gift account
    And a client "nogift" without a gift account
    And client "nogift" has investors INV00001 to INV00001
    And a client "other"
    And client "other" has investors OTH00001 to OTH00001

  @sqs
  Scenario: A notional gift completes at the ask and moves the coin to the investor
    # 5 / 43021.50 = 0.000116220... -> 0.00011622
    When "acme" gifts BTC worth "5" USD to INV00001 as "g1"
    Then the last answer is COMPLETE
    And the gift "g1" is COMPLETE with price "43021.5", quantity "0.00011622" and notional "5"
    And "acme"'s account INV00001 holds "0.00011622" BTC
    And "acme"'s gift account holds "0.99988378" BTC
    And "acme"'s queue has delivered one allocation/gift/1 event for the gift "g1" with status COMPLETE
    And "acme"'s last event for the gift "g1" equals its API answer

  @sqs
  Scenario: A quantity gift is valued at the ask, half-even to cents
    # 0.03 * 43021.50 = 1290.645 -> 1290.64 (half-even; half-up would give 1290.65)
    When "acme" gifts "0.03" BTC to INV00002 as "g2"
    Then the last answer is COMPLETE
    And the gift "g2" is COMPLETE with price "43021.5", quantity "0.03" and notional "1290.64"
    And "acme"'s account INV00002 holds "0.03" BTC
    And "acme"'s gift account holds "0.97" BTC
    And "acme"'s last event for the gift "g2" equals its API answer

  @sqs
  Scenario: Gifts draw the inventory down to exactly zero, then the next one is rejected
    When "acme" gifts "0.6" BTC to INV00001 as "g1"
    And "acme" gifts "0.4" BTC to INV00002 as "g2"
    And "acme" gifts "0.00000001" BTC to INV00001 as "g3"
    Then the last answer is REJECTED with reason "Insufficient inventory to allocate the requested currency"
    And the gift "g1" is COMPLETE with price "43021.5", quantity "0.6" and notional "25812.9"
    And the gift "g2" is COMPLETE with price "43021.5", quantity "0.4" and notional "17208.6"
    And "acme"'s gift account holds "0" BTC
    And "acme"'s account INV00001 holds "0.6" BTC
    And "acme"'s account INV00002 holds "0.4" BTC
    And "acme"'s queue has delivered these events in order:
      | event_type        | resource | name | status   | reason                                                    |
      | allocation/gift/1 | gift     | g1   | COMPLETE |                                                           |
      | allocation/gift/1 | gift     | g2   | COMPLETE |                                                           |
      | allocation/gift/1 | gift     | g3   | REJECTED | Insufficient inventory to allocate the requested currency |

  Scenario: The investor's email shows the gift in the client's branding
    When "acme" gifts BTC worth "5" USD to INV00001 as "g1"
    Then "acme"'s investor INV00001 has received 1 gift email
    And the last gift email to "acme"'s investor INV00001 has subject "You received a gift of 0.00011622 BTC" and contains:
      | 0.00011622 BTC             |
      | 5.00 USD                   |
      | 43021.5 USD per BTC        |
      | https://acme.test/logo.png |
      | https://acme.test/trade    |
      | help@acme.test             |
    And "acme"'s investor INV00002 has received 0 gift emails

  Scenario: Without branding, the email uses the trade-confirmation defaults
    Given a client "plain"
    And client "plain" has investors INV00001 to INV00001
    And client "plain" has "0.5" BTC in its gift account
    When "plain" gifts "0.001" BTC to INV00001 as "p1"
    Then the last gift email to "plain"'s investor INV00001 has subject "You received a gift of 0.001 BTC" and contains:
      | 0.001 BTC                                  |
      | 43.02 USD                                  |
      | https://sandbox.bakkt.test/assets/logo.png |
      | https://sandbox.bakkt.test/trade           |
      | support@sandbox.bakkt.test                 |

  @sqs
  Scenario Outline: Gift rule <rule> rejects with "<reason>"
    When "<client>" requests a gift as "x1" with:
      | account  | <account>  |
      | currency | <currency> |
      | notional | <notional> |
      | quantity | <quantity> |
    Then the last answer is REJECTED with reason "<reason>"
    And the gift "x1" is REJECTED with reason "<reason>"
    And "<client>"'s queue has delivered one allocation/gift/1 event for the gift "x1" with status REJECTED and reason "<reason>"
    And "<client>"'s last event for the gift "x1" equals its API answer
    And "acme"'s gift account holds "1" BTC
    And "<client>"'s investor INV00001 has received 0 gift emails

    Examples: each rule broken alone
      | rule | client | account   | currency | notional | quantity    | reason                                                    |
      | 2    | acme   | INV00099  | BTC      | 5        |             | Invalid account Id                                        |
      | 2    | acme   | OTH00001  | BTC      | 5        |             | Invalid account Id                                        |
      | 2    | acme   | GIFT00001 | BTC      | 5        |             | Invalid account Id                                        |
      | 2    | acme   | FIRM00001 | BTC      | 5        |             | Invalid account Id                                        |
      | 3    | nogift | INV00001  | BTC      | 5        |             | The Gift Account does not exist for this client           |
      | 4    | acme   | INV00001  | XYZ      | 5        |             | Invalid currency                                          |
      | 4    | acme   | INV00001  | BTCUSD   | 5        |             | Invalid currency                                          |
      | 4    | acme   | INV00001  | USD      | 5        |             | Invalid currency                                          |
      | 4    | acme   | INV00001  | btc      | 5        |             | Invalid currency                                          |
      | 5    | acme   | INV00001  | BTC      |          |             | Invalid gift amount                                       |
      | 5    | acme   | INV00001  | BTC      | 5        | 0.001       | Invalid gift amount                                       |
      | 5    | acme   | INV00001  | BTC      | 0        |             | Invalid gift amount                                       |
      | 5    | acme   | INV00001  | BTC      | -5       |             | Invalid gift amount                                       |
      | 5    | acme   | INV00001  | BTC      | 5.001    |             | Invalid gift amount                                       |
      | 5    | acme   | INV00001  | BTC      |          | 0           | Invalid gift amount                                       |
      | 5    | acme   | INV00001  | BTC      |          | -0.001      | Invalid gift amount                                       |
      | 5    | acme   | INV00001  | BTC      |          | 0.000000001 | Invalid gift amount                                       |
      | 6    | acme   | INV00001  | BTC      |          | 1.00000001  | Insufficient inventory to allocate the requested currency |
      | 6    | acme   | INV00001  | BTC      | 43021.51 |             | Insufficient inventory to allocate the requested currency |
      | 6    | acme   | INV00001  | ETH      |          | 0.1         | Insufficient inventory to allocate the requested currency |

    Examples: the first failing rule wins over every later one
      | rule | client | account  | currency | notional | quantity | reason                                          |
      | 2    | nogift | INV00099 | XYZ      | 5        | 2        | Invalid account Id                              |
      | 2    | acme   | INV00099 | XYZ      | 5        | 2        | Invalid account Id                              |
      | 3    | nogift | INV00001 | XYZ      | 5        | 2        | The Gift Account does not exist for this client |
      | 4    | acme   | INV00001 | XYZ      | 5        | 2        | Invalid currency                                |
      | 5    | acme   | INV00001 | ETH      | 5        | 2        | Invalid gift amount                             |

  Scenario: A notional gift with 10.000 USD is cents by value
    When "acme" gifts BTC worth "10.000" USD to INV00001 as "g1"
    Then the gift "g1" is COMPLETE with price "43021.5", quantity "0.00023244" and notional "10"

  @sqs @outage
  Scenario: Without quotes a gift is rejected with the market's reason and nothing moves
    Given the market for BTCUSD has an outage
    When "acme" gifts BTC worth "5" USD to INV00001 as "g1"
    Then the last answer is REJECTED with reason "unknown: empty quotes"
    And the gift "g1" is REJECTED with reason "unknown: empty quotes"
    And "acme"'s queue has delivered one allocation/gift/1 event for the gift "g1" with status REJECTED and reason "unknown: empty quotes"
    And "acme"'s gift account holds "1" BTC
    And "acme"'s investor INV00001 has received 0 gift emails

  @sqs
  Scenario: Rule 1, a duplicate clientTransactionId, records, moves and publishes nothing
    When "acme" gifts BTC worth "5" USD to INV00001 as "g1"
    And the clock advances 1 second
    And "acme" gifts "0.5" BTC to INV00002 as "g1"
    Then the last answer is REJECTED with reason "Duplicate clientTransactionId; the allocation request already exists"
    And the last answer carries the id and createdAt of the gift "g1"
    And the gift "g1" is COMPLETE with price "43021.5", quantity "0.00011622" and notional "5"
    And "acme"'s account INV00002 holds "0" BTC
    And "acme"'s gift account holds "0.99988378" BTC
    And "acme"'s investor INV00002 has received 0 gift emails
    And "acme"'s queue has delivered 1 event

  @sqs
  Scenario: Rule 1 holds for a rejected gift too
    When "acme" gifts BTC worth "5" USD to INV00099 as "g1"
    And "acme" gifts BTC worth "5" USD to INV00001 as "g1"
    Then the last answer is REJECTED with reason "Duplicate clientTransactionId; the allocation request already exists"
    And the last answer carries the id and createdAt of the gift "g1"
    And the gift "g1" is REJECTED with reason "Invalid account Id"
    And "acme"'s account INV00001 holds "0" BTC
    And "acme"'s queue has delivered 1 event

  @sqs @batch
  Scenario: Allocations and gifts share one clientTransactionId namespace
    Given "acme" opens a NOTIONAL batch "b1" for BTCUSD
    And "acme" allocates BUY "200" of BTCUSD to INV00001 as "a1" in batch "b1"
    When "acme" gifts BTC worth "5" USD to INV00001 as "a1"
    Then the last answer is REJECTED with reason "Duplicate clientTransactionId; the allocation request already exists"
    And the last answer carries the id and createdAt of the allocation "a1"
    When "acme" gifts BTC worth "5" USD to INV00001 as "g1"
    And "acme" allocates BUY "300" of BTCUSD to INV00002 as "g1" in batch "b1"
    Then the last answer is REJECTED with reason "Duplicate clientTransactionId; the allocation request already exists"
    And the last answer carries the id and createdAt of the gift "g1"
    And the batch "b1" is OPEN with 1 allocation
    And "acme"'s account INV00001 holds "0.00011622" BTC
    When "acme" looks up the gift "a1"
    Then the last answer has status 400 and message "Invalid clientTransactionId"
    And "acme"'s queue has delivered these events in order:
      | event_type         | resource | name | status   |
      | allocation/batch/1 | batch    | b1   | OPEN     |
      | allocation/gift/1  | gift     | g1   | COMPLETE |

  @request_errors
  Scenario Outline: A gift unknown to the client is a 400
    Given "acme" gifts BTC worth "5" USD to INV00001 as "g1"
    When "<client>" looks up the gift "<name>"
    Then the last answer has status 400 and message "Invalid clientTransactionId"

    Examples:
      | client | name  |
      | acme   | ghost |
      | other  | g1    |

  @request_errors
  Scenario Outline: A malformed <field> is a 400 naming it, and records nothing
    When "acme" requests a gift as "x1" with:
      | account  | INV00001 |
      | currency | BTC      |
      | <field>  | <value>  |
    Then the last answer has status 400 and a message naming "<field>"
    And "acme"'s gift account holds "1" BTC
    When "acme" looks up the gift "x1"
    Then the last answer has status 400 and message "Invalid clientTransactionId"

    Examples:
      | field               | value            |
      | notional            | 12,5             |
      | notional            | 1e3              |
      | notional            | 1234567890123456 |
      | quantity            | NaN              |
      | quantity            | +1               |
      | clientTransactionId | not-a-uuid       |
