@orders
Feature: Investor orders
  An investor's order (MARKET or LIMIT; IOC, DAY, GTC or GTD) is created
  at once (201) and executes asynchronously, 250 ms later at the earliest,
  walking the providers' quotes best price first: one execution per
  provider hit, at that provider's price. The order is IN_PROGRESS and
  working while it can still fill and COMPLETE once filled, cancelled,
  expired or rejected; a rejected order carries `rejectReason`. Pre-trade
  checks (holdings, the $1.00 minimum, the price collar, maintenance)
  reject in the create answer itself; `unknown: empty quotes` comes at fill
  time. Every execution, completion and cancel publishes an `order/1`
  event.

  With the mid fixed at 43000.00 and a 10 bps spread, the providers quote
  these prices (LP-ALPHA at the spread, LP-BRAVO at 1.5 times it,
  LP-CHARLIE at 2.25 times it):

    | provider   | bid      | ask      |
    | LP-ALPHA   | 42978.5  | 43021.5  |
    | LP-BRAVO   | 42967.75 | 43032.25 |
    | LP-CHARLIE | 42951.62 | 43048.38 |

  Their sizes come from the seed and change every simulated second, so a
  scenario whose fill walks past LP-ALPHA pins the sizes it counts on
  ("Given the market for BTCUSD quotes:" with bidSize or askSize): its
  numbers then hold whatever the seed.

  Background:
    Given a sandbox with seed 11 at "2026-03-02T14:00:00Z"
    And the market for BTCUSD is fixed at "43000.00" with a spread of 10 bps
    And a client "acme"
    And client "acme" has investors INV00001 to INV00002 holding "0.5" BTC

  @fills @sqs @positions
  Scenario: A MARKET IOC order walks two providers, best price first
    # LP-ALPHA's 3.62600577 at 43021.5, then 1.37399423 at 43032.25.
    # Average: (155996.207234055 + 59126.063203918) / 5 = 43024.4540875946
    # -> 43024.45408759. Notionals half-even to cents: 155996.21, 59126.06.
    Given the market for BTCUSD quotes:
      | provider   | ask      | askSize     |
      | LP-ALPHA   | 43021.5  | 3.62600577  |
      | LP-BRAVO   | 43032.25 | 18.20397491 |
      | LP-CHARLIE | 43048.38 | 41.86012296 |
    When "acme" places a MARKET IOC BUY order "o1" for "5" BTCUSD on INV00001
    Then the order "o1" was created IN_PROGRESS and working
    And the order "o1" shows:
      | leavesQuantity | 5 |
      | averagePrice   |   |
    When the clock advances 1 second
    Then the order "o1" is COMPLETE with "5" filled at an average price of "43024.45408759"
    And the order "o1" has executions:
      | side | symbol | price    | quantity   | commission | netMoney  |
      | BUY  | BTCUSD | 43021.5  | 3.62600577 | 0          | 155996.21 |
      | BUY  | BTCUSD | 43032.25 | 1.37399423 | 0          | 59126.06  |
    And "acme"'s account INV00001 holds "5.5" BTC
    And "acme"'s queue has delivered these order events in order:
      | name | status      | working | executions | cumulativeQuantity | leavesQuantity |
      | o1   | IN_PROGRESS | true    | 1          | 3.62600577         | 1.37399423     |
      | o1   | IN_PROGRESS | true    | 2          | 5                  | 0              |
      | o1   | COMPLETE    | false   | 2          | 5                  | 0              |
    And "acme"'s queue has delivered these events in order:
      | event_type | resource | name | status      |
      | order/1    | order    | o1   | IN_PROGRESS |
      | order/1    | order    | o1   | IN_PROGRESS |
      | order/1    | order    | o1   | COMPLETE    |
    And "acme"'s last event for the order "o1" equals its API answer
    And "acme"'s investor INV00001 has received 1 trade confirmation email
    And the last trade confirmation to "acme"'s investor INV00001 contains:
      | BUY            |
      | BTC            |
      | 43024.45408759 |
      | 215122.27      |
    And "acme"'s investor INV00002 has received 0 trade confirmation emails

  @fills
  Scenario: An IOC order larger than every quote fills what is quoted and cancels the rest
    # 3.62600577 + 18.20397491 + 41.86012296 = 63.69010364 of the 100 asked for.
    Given the market for BTCUSD quotes:
      | provider   | ask      | askSize     |
      | LP-ALPHA   | 43021.5  | 3.62600577  |
      | LP-BRAVO   | 43032.25 | 18.20397491 |
      | LP-CHARLIE | 43048.38 | 41.86012296 |
    When "acme" places a MARKET IOC BUY order "big" for "100" BTCUSD on INV00001
    And the clock advances 1 second
    Then the order "big" is COMPLETE with "63.69010364" filled at an average price of "43042.23937331"
    And the order "big" has executions:
      | price    | quantity    | netMoney   |
      | 43021.5  | 3.62600577  | 155996.21  |
      | 43032.25 | 18.20397491 | 783358     |
      | 43048.38 | 41.86012296 | 1802010.48 |
    And "acme"'s account INV00001 holds "64.19010364" BTC

  @fills @positions
  Scenario: Resting LIMIT GTC orders fill once the market moves through their price
    # At mid 42400 LP-ALPHA asks 42421.20, under the BUY limit of 42500; at
    # mid 44000 it bids 43978.00, over the SELL limit of 43500. Each fills at
    # the quote, better than its limit.
    When "acme" places a LIMIT GTC BUY order "buy" for "0.01" BTCUSD at "42500" on INV00001
    Then the order "buy" was created IN_PROGRESS and working
    When "acme" places a LIMIT GTC SELL order "sell" for "0.1" BTCUSD at "43500" on INV00002
    Then the order "sell" was created IN_PROGRESS and working
    When the clock advances 30 seconds
    Then the order "buy" shows:
      | status             | IN_PROGRESS |
      | working            | true        |
      | cumulativeQuantity | 0           |
      | leavesQuantity     | 0.01        |
    When the market for BTCUSD moves to "42400.00"
    And the clock advances 1 second
    Then the order "buy" is COMPLETE with "0.01" filled at an average price of "42421.2"
    And the order "buy" has executions:
      | price   | quantity | commission | netMoney |
      | 42421.2 | 0.01     | 0          | 424.21   |
    And the order "sell" shows:
      | status         | IN_PROGRESS |
      | leavesQuantity | 0.1         |
    When the market for BTCUSD moves to "44000.00"
    And the clock advances 1 second
    Then the order "sell" is COMPLETE with "0.1" filled at an average price of "43978"
    And the order "sell" has executions:
      | side | price | quantity | netMoney |
      | SELL | 43978 | 0.1      | 4397.8   |
    And "acme"'s account INV00001 holds "0.51" BTC
    And "acme"'s account INV00002 holds "0.4" BTC

  @fills
  Scenario: Notional orders buy and sell a dollar amount at the quote
    # 200 / 43021.50 = 0.0046488383... -> 0.00464884; 0.00464884 * 43021.50 = 199.9998 -> 200.
    # 100 / 42978.50 = 0.0023267449... -> 0.00232674; 0.00232674 * 42978.50 = 99.9998 -> 100.
    When "acme" places a MARKET IOC BUY order "n1" for "200" USD of BTCUSD on INV00001
    Then the order "n1" was created IN_PROGRESS and working
    And the order "n1" shows:
      | leavesQuantity | 0.00464884 |
    When "acme" places a MARKET IOC SELL order "n2" for "100" USD of BTCUSD on INV00002
    And the clock advances 1 second
    Then the order "n1" is COMPLETE with "0.00464884" filled at an average price of "43021.5"
    And the order "n1" has executions:
      | price   | quantity   | netMoney |
      | 43021.5 | 0.00464884 | 200      |
    And the order "n2" is COMPLETE with "0.00232674" filled at an average price of "42978.5"
    And the order "n2" has executions:
      | side | price   | quantity   | netMoney |
      | SELL | 42978.5 | 0.00232674 | 100      |
    And "acme"'s account INV00001 holds "0.50464884" BTC
    And "acme"'s account INV00002 holds "0.49767326" BTC

  @fills
  Scenario: A notional order larger than the best quote spends the rest at the next provider
    # LP-ALPHA takes 3.62600577 * 43021.50 = 155996.207234055 USD; the other
    # 44003.792765945 USD buy 44003.792765945 / 43032.25 -> 1.02257708 at LP-BRAVO.
    Given the market for BTCUSD quotes:
      | provider   | ask      | askSize     |
      | LP-ALPHA   | 43021.5  | 3.62600577  |
      | LP-BRAVO   | 43032.25 | 18.20397491 |
      | LP-CHARLIE | 43048.38 | 41.86012296 |
    When "acme" places a MARKET IOC BUY order "n1" for "200000" USD of BTCUSD on INV00001
    And the clock advances 1 second
    Then the order "n1" is COMPLETE with "4.64858285" filled at an average price of "43023.86474297"
    And the order "n1" has executions:
      | price    | quantity   | netMoney  |
      | 43021.5  | 3.62600577 | 155996.21 |
      | 43032.25 | 1.02257708 | 44003.79  |

  @rejects @sqs
  Scenario Outline: A pre-trade check rejects in the create answer: <case>
    When "acme" submits the order "x1" with:
      | account     | INV00001   |
      | symbol      | BTCUSD     |
      | side        | <side>     |
      | type        | <type>     |
      | timeInForce | <tif>      |
      | quantity    | <quantity> |
      | notional    | <notional> |
      | price       | <price>    |
    Then the order "x1" was rejected on creation with reason "<reason>"
    And the order "x1" is COMPLETE with reason "<reason>"
    And "acme"'s queue has delivered these order events in order:
      | name | status   | working | executions | reason   |
      | x1   | COMPLETE | false   | 0          | <reason> |
    And "acme"'s last event for the order "x1" equals its API answer
    When the clock advances 1 second
    Then the order "x1" shows:
      | status             | COMPLETE |
      | cumulativeQuantity | 0        |
      | averagePrice       |          |
    And "acme"'s account INV00001 holds "0.5" BTC
    And "acme"'s investor INV00001 has received 0 trade confirmation emails

    Examples: under $1.00: a quantity is valued at the ask for BUY, the bid for SELL
      | case                                        | side | type   | tif | quantity   | notional | price | reason                                                                                               |
      | BUY notional 0.99                           | BUY  | MARKET | IOC |            | 0.99     |       | invalid_argument: quantity order notional must be more than $1.00 unless selling out entire position |
      | SELL notional 0.99                          | SELL | MARKET | IOC |            | 0.99     |       | invalid_argument: quantity order notional must be more than $1.00 unless selling out entire position |
      | BUY 0.00002324, 0.99981966 at the ask       | BUY  | MARKET | IOC | 0.00002324 |          |       | invalid_argument: quantity order notional must be more than $1.00 unless selling out entire position |
      | SELL 0.00002325, 0.99925013 at the bid      | SELL | MARKET | IOC | 0.00002325 |          |       | invalid_argument: quantity order notional must be more than $1.00 unless selling out entire position |
      | LIMIT BUY of 0.00002324 under $1 at its ask | BUY  | LIMIT  | GTC | 0.00002324 |          | 43100 | invalid_argument: quantity order notional must be more than $1.00 unless selling out entire position |

    Examples: a limit more than 10% through the BBO (ask 43021.50 * 1.10 = 47323.65; bid 42978.50 * 0.90 = 38680.65)
      | case                       | side | type  | tif | quantity | notional | price    | reason                       |
      | BUY limit 47323.66         | BUY  | LIMIT | GTC | 0.01     |          | 47323.66 | price too far through market |
      | BUY limit 50000, notional  | BUY  | LIMIT | DAY |          | 100      | 50000    | price too far through market |
      | SELL limit 38680.64        | SELL | LIMIT | GTC | 0.01     |          | 38680.64 | price too far through market |
      | SELL limit 30000, notional | SELL | LIMIT | IOC |          | 100      | 30000    | price too far through market |

    Examples: a SELL above the holding
      | case                         | side | type   | tif | quantity   | notional | price | reason                                        |
      | SELL 0.50000001 of 0.5       | SELL | MARKET | IOC | 0.50000001 |          |       | unknown: trade quantity exceeds position side |
      | SELL 21489.26 USD of 0.5 BTC | SELL | MARKET | IOC |            | 21489.26 |       | unknown: trade quantity exceeds position side |
      | SELL LIMIT 1 BTC of 0.5      | SELL | LIMIT  | GTC | 1          |          | 43000 | unknown: trade quantity exceeds position side |

  @rejects
  Scenario Outline: At the edge of a pre-trade check the order passes: <case>
    When "acme" submits the order "x1" with:
      | account     | INV00001   |
      | symbol      | BTCUSD     |
      | side        | <side>     |
      | type        | <type>     |
      | timeInForce | IOC        |
      | quantity    | <quantity> |
      | notional    | <notional> |
      | price       | <price>    |
    Then the order "x1" was created IN_PROGRESS and working
    When the clock advances 1 second
    Then the order "x1" is COMPLETE with "<filled>" filled at an average price of "<average>"

    Examples:
      | case                                   | side | type   | quantity   | notional | price    | filled     | average |
      | BUY notional 1.00 exactly              | BUY  | MARKET |            | 1.00     |          | 0.00002324 | 43021.5 |
      | BUY 0.00002325, 1.00024988 at the ask  | BUY  | MARKET | 0.00002325 |          |          | 0.00002325 | 43021.5 |
      | SELL 0.00002327, 1.00010970 at the bid | SELL | MARKET | 0.00002327 |          |          | 0.00002327 | 42978.5 |
      | BUY limit exactly at the collar        | BUY  | LIMIT  | 0.01       |          | 47323.65 | 0.01       | 43021.5 |
      | SELL limit exactly at the collar       | SELL | LIMIT  | 0.01       |          | 38680.65 | 0.01       | 42978.5 |
      | SELL exactly the holding               | SELL | MARKET | 0.5        |          |          | 0.5        | 42978.5 |

  @rejects @positions
  Scenario: Selling out an entire position worth under $1.00 passes; selling part of it does not
    # 0.00002 BTC is worth 0.86 at the bid 42978.50.
    Given client "acme" has an investor DUST1 holding "0.00002" BTC
    When "acme" places a MARKET IOC SELL order "part" for "0.00001" BTCUSD on DUST1
    Then the order "part" was rejected on creation with reason "invalid_argument: quantity order notional must be more than $1.00 unless selling out entire position"
    When "acme" places a MARKET IOC SELL order "all" for "0.00002" BTCUSD on DUST1
    Then the order "all" was created IN_PROGRESS and working
    When the clock advances 1 second
    Then the order "all" is COMPLETE with "0.00002" filled at an average price of "42978.5"
    And the order "all" has executions:
      | price   | quantity | netMoney |
      | 42978.5 | 0.00002  | 0.86     |
    And "acme"'s account DUST1 holds "0" BTC

  @rejects @positions
  Scenario: Open SELL orders count against the position: tradable drops, current does not
    When "acme" places a LIMIT GTC SELL order "s1" for "0.3" BTCUSD at "45000" on INV00001
    Then the order "s1" was created IN_PROGRESS and working
    And "acme"'s account INV00001 holds "0.5" BTC
    And "acme"'s account INV00001 has "0.2" BTC tradable
    When "acme" places a MARKET IOC SELL order "s2" for "0.20000001" BTCUSD on INV00001
    Then the order "s2" was rejected on creation with reason "unknown: trade quantity exceeds position side"
    When "acme" places a MARKET IOC SELL order "s3" for "0.2" BTCUSD on INV00001
    Then the order "s3" was created IN_PROGRESS and working
    When the clock advances 1 second
    Then the order "s3" is COMPLETE with "0.2" filled at an average price of "42978.5"
    And "acme"'s account INV00001 holds "0.3" BTC
    And "acme"'s account INV00001 has "0" BTC tradable
    When "acme" cancels the order "s1"
    Then "acme"'s account INV00001 has "0.3" BTC tradable
    And "acme"'s account INV00001 holds "0.3" BTC

  @outage @sqs
  Scenario Outline: Without quotes a <type> <tif> order is accepted, then rejected at fill time
    Given the market for BTCUSD has an outage
    When "acme" submits the order "o1" with:
      | account     | INV00001 |
      | symbol      | BTCUSD   |
      | side        | <side>   |
      | type        | <type>   |
      | timeInForce | <tif>    |
      | quantity    | 0.01     |
      | price       | <price>  |
    Then the order "o1" was created IN_PROGRESS and working
    When the clock advances 1 second
    Then the order "o1" is COMPLETE with reason "unknown: empty quotes"
    And the order "o1" shows:
      | cumulativeQuantity | 0 |
      | averagePrice       |   |
    And "acme"'s queue has delivered these order events in order:
      | name | status   | executions | reason                |
      | o1   | COMPLETE | 0          | unknown: empty quotes |
    And "acme"'s account INV00001 holds "0.5" BTC
    And "acme"'s investor INV00001 has received 0 trade confirmation emails

    Examples:
      | type   | tif | side | price |
      | MARKET | IOC | BUY  |       |
      | MARKET | DAY | SELL |       |
      | LIMIT  | GTC | BUY  | 43100 |

  @maintenance @sqs
  Scenario: At 16:30 CT open DAY orders expire and GTC orders rest
    When "acme" places a LIMIT DAY BUY order "day" for "0.01" BTCUSD at "42000" on INV00001
    And "acme" places a LIMIT GTC BUY order "gtc" for "0.01" BTCUSD at "42000" on INV00001
    And the clock advances to "2026-03-02T22:29:59.999Z"
    Then the order "day" shows:
      | status  | IN_PROGRESS |
      | working | true        |
    When the clock advances to "2026-03-02T22:30:00Z"
    Then the order "day" is COMPLETE with reason "invalid_argument: live_till Order expired"
    And the order "gtc" shows:
      | status         | IN_PROGRESS |
      | working        | true        |
      | leavesQuantity | 0.01        |
      | rejectReason   |             |
    And "acme"'s queue has delivered these order events in order:
      | name | status   | working | reason                                    |
      | day  | COMPLETE | false   | invalid_argument: live_till Order expired |
    And "acme"'s last event for the order "day" equals its API answer

  @maintenance
  Scenario Outline: A new order during maintenance, at <time> CT, is rejected in the create answer
    When the clock advances to "<instant>"
    And "acme" places a MARKET IOC BUY order "m1" for "0.01" BTCUSD on INV00001
    Then the order "m1" was rejected on creation with reason "invalid_argument: live_till Order expired"

    Examples:
      | time         | instant                  |
      | 16:30:00.000 | 2026-03-02T22:30:00Z     |
      | 16:45:00.000 | 2026-03-02T22:45:00Z     |
      | 17:04:59.999 | 2026-03-02T23:04:59.999Z |

  @maintenance
  Scenario Outline: A new order just outside maintenance, at <time> CT, is accepted
    When the clock advances to "<instant>"
    And "acme" places a LIMIT DAY BUY order "m1" for "0.01" BTCUSD at "42000" on INV00001
    Then the order "m1" was created IN_PROGRESS and working

    Examples:
      | time         | instant                  |
      | 16:29:59.999 | 2026-03-02T22:29:59.999Z |
      | 17:05:00.000 | 2026-03-02T23:05:00Z     |

  @maintenance @fills
  Scenario: A GTC order rests through maintenance and fills after 17:05 CT
    # The market moves through the limit at 16:40 CT, inside the window; the
    # order may fill only once maintenance is over (41900 + 5 bps = 41920.95).
    When "acme" places a LIMIT GTC BUY order "gtc" for "0.01" BTCUSD at "42000" on INV00001
    And the clock advances to "2026-03-02T22:40:00Z"
    And the market for BTCUSD moves to "41900.00"
    And the clock advances to "2026-03-02T23:04:59Z"
    Then the order "gtc" shows:
      | status             | IN_PROGRESS |
      | working            | true        |
      | cumulativeQuantity | 0           |
    When the clock advances to "2026-03-02T23:21:00Z"
    Then the order "gtc" is COMPLETE with "0.01" filled at an average price of "41920.95"
    And the order "gtc" has executions:
      | price    | quantity | netMoney |
      | 41920.95 | 0.01     | 419.21   |

  @idempotency @sqs
  Scenario: Resending an order answers the existing one; changing it is refused
    When "acme" places a MARKET IOC BUY order "o1" for "0.01" BTCUSD on INV00001
    Then the order "o1" was created IN_PROGRESS and working
    When "acme" sends the order "o1" again
    Then the last answer has status 200 and shows the order "o1" as it stands
    When the clock advances 1 second
    And "acme" sends the order "o1" again
    Then the last answer has status 200 and shows the order "o1" as it stands
    And the order "o1" is COMPLETE with "0.01" filled at an average price of "43021.5"
    When "acme" sends the order "o1" again with:
      | quantity | 0.02 |
    Then the last answer has status 400 and message "Duplicate clientOrderId with different details"
    When "acme" sends the order "o1" again with:
      | side | SELL |
    Then the last answer has status 400 and message "Duplicate clientOrderId with different details"
    And the order "o1" has executions:
      | price   | quantity | netMoney |
      | 43021.5 | 0.01     | 430.22   |
    And "acme"'s account INV00001 holds "0.51" BTC
    And "acme"'s queue has delivered these order events in order:
      | name | status      | executions |
      | o1   | IN_PROGRESS | 1          |
      | o1   | COMPLETE    | 1          |

  @request_errors
  Scenario Outline: An order unknown to the client is 404 on GET and on cancel
    Given a client "other"
    And "acme" places a LIMIT GTC BUY order "o1" for "0.01" BTCUSD at "42000" on INV00001
    When "<client>" looks up the order "<name>"
    Then the last answer has status 404 and message "Order not found"
    When "<client>" cancels the order "<name>"
    Then the last answer has status 404 and message "Order not found"
    And the order "o1" shows:
      | status  | IN_PROGRESS |
      | working | true        |
      | cancels |             |

    Examples:
      | client | name  |
      | acme   | ghost |
      | other  | o1    |

  @cancels @sqs
  Scenario: Cancelling a working order completes it; a second cancel is recorded as not open
    Given "acme" places a LIMIT GTC BUY order "w1" for "0.01" BTCUSD at "42000" on INV00001
    When the clock advances 1 second
    And "acme" cancels the order "w1"
    Then the last answer acknowledges the cancel of the order "w1"
    And the order "w1" shows:
      | status             | COMPLETE |
      | working            | false    |
      | cumulativeQuantity | 0        |
      | leavesQuantity     | 0        |
      | rejectReason       |          |
    And the order "w1" lists cancels:
      | rejectReason | transactTime             |
      |              | 2026-03-02T14:00:01.000Z |
    And "acme"'s last event for the order "w1" equals its API answer
    When the clock advances 1 second
    And "acme" cancels the order "w1"
    Then the last answer acknowledges the cancel of the order "w1"
    And the order "w1" lists cancels:
      | rejectReason      | transactTime             |
      |                   | 2026-03-02T14:00:01.000Z |
      | Order is not open | 2026-03-02T14:00:02.000Z |
    And "acme"'s queue has delivered these order events in order:
      | name | status   | working | executions | cancels |
      | w1   | COMPLETE | false   | 0          | 1       |
    And "acme"'s investor INV00001 has received 0 trade confirmation emails

  @cancels @sqs
  Scenario: Cancelling a filled order records "Order is not open" and changes nothing
    Given "acme" places a MARKET IOC BUY order "o1" for "0.01" BTCUSD on INV00001
    When the clock advances 1 second
    And "acme" cancels the order "o1"
    Then the last answer acknowledges the cancel of the order "o1"
    And the order "o1" is COMPLETE with "0.01" filled at an average price of "43021.5"
    And the order "o1" lists cancels:
      | rejectReason      |
      | Order is not open |
    And "acme"'s account INV00001 holds "0.51" BTC
    And "acme"'s queue has delivered these order events in order:
      | name | status      | cancels |
      | o1   | IN_PROGRESS | 0       |
      | o1   | COMPLETE    | 0       |

  @fees
  Scenario Outline: Fees per execution: <field> <value> under <model> <bps> bps on a <side>
    # 0.1 BTC fills at LP-ALPHA: BUY at 43021.50 (notional 4302.15), SELL at
    # 42978.50 (notional 4297.85). A markup moves the price against the
    # investor before the notional; a bps fee is notional * bps / 10000
    # half-even to cents. The client's model applies only when the order
    # gives none of bpsCommission, fixedCommission, bpsMarkup, fixedMarkup.
    Given a client "firm" with commission <model> <bps> bps
    And client "firm" has investors INV00001 to INV00001 holding "1" BTC
    When "firm" places a MARKET IOC <side> order "f1" for "0.1" BTCUSD on INV00001 with:
      | <field> | <value> |
    And the clock advances 1 second
    Then the order "f1" has executions:
      | side   | price   | quantity | commission   | netMoney |
      | <side> | <price> | 0.1      | <commission> | <net>    |
    And the order "f1" is COMPLETE with "0.1" filled at an average price of "<price>"

    Examples: the order's own fields
      | model     | bps | side | field           | value | price     | commission | net     |
      | TRADE_FEE | 0   | BUY  | bpsCommission   | 50    | 43021.5   | 21.51      | 4323.66 |
      | TRADE_FEE | 0   | BUY  | fixedCommission | 2.50  | 43021.5   | 2.5        | 4304.65 |
      | TRADE_FEE | 0   | BUY  | bpsMarkup       | 20    | 43107.543 | 0          | 4310.75 |
      | TRADE_FEE | 0   | BUY  | fixedMarkup     | 10    | 43031.5   | 0          | 4303.15 |
      | TRADE_FEE | 0   | SELL | bpsCommission   | 30    | 42978.5   | 12.89      | 4284.96 |
      | TRADE_FEE | 0   | SELL | fixedCommission | 2.50  | 42978.5   | 2.5        | 4295.35 |
      | TRADE_FEE | 0   | SELL | bpsMarkup       | 20    | 42892.543 | 0          | 4289.25 |
      | TRADE_FEE | 0   | SELL | fixedMarkup     | 10    | 42968.5   | 0          | 4296.85 |

    Examples: the client's model, only where the order gives none of the four fields
      | model     | bps | side | field           | value | price       | commission | net     |
      | TRADE_FEE | 25  | BUY  |                 |       | 43021.5     | 10.76      | 4312.91 |
      | TRADE_FEE | 25  | SELL |                 |       | 42978.5     | 10.74      | 4287.11 |
      | TRADE_FEE | 25  | BUY  | bpsMarkup       | 20    | 43107.543   | 0          | 4310.75 |
      | TRADE_FEE | 25  | BUY  | fixedMarkup     | 0     | 43021.5     | 0          | 4302.15 |
      | MARKUP    | 25  | BUY  |                 |       | 43129.05375 | 0          | 4312.91 |
      | MARKUP    | 25  | SELL |                 |       | 42871.05375 | 0          | 4287.11 |
      | MARKUP    | 25  | BUY  | bpsCommission   | 10    | 43021.5     | 4.3        | 4306.45 |
      | MARKUP    | 25  | SELL | fixedCommission | 0     | 42978.5     | 0          | 4297.85 |

  @fees
  Scenario Outline: A fixed commission is charged on the first execution only, a bps commission on each
    Given the market for BTCUSD quotes:
      | provider   | ask      | askSize     |
      | LP-ALPHA   | 43021.5  | 3.62600577  |
      | LP-BRAVO   | 43032.25 | 18.20397491 |
      | LP-CHARLIE | 43048.38 | 41.86012296 |
    When "acme" places a MARKET IOC BUY order "o1" for "5" BTCUSD on INV00001 with:
      | <field> | <value> |
    And the clock advances 1 second
    Then the order "o1" has executions:
      | price    | quantity   | commission | netMoney |
      | 43021.5  | 3.62600577 | <fee 1>    | <net 1>  |
      | 43032.25 | 1.37399423 | <fee 2>    | <net 2>  |

    Examples:
      | field           | value | fee 1 | net 1     | fee 2 | net 2    |
      | fixedCommission | 2.50  | 2.5   | 155998.71 | 0     | 59126.06 |
      | bpsCommission   | 10    | 156   | 156152.21 | 59.13 | 59185.19 |

  @positions @gifts
  Scenario: An order on the Gift Account buys inventory that a gift then gives
    When "acme" places a MARKET IOC BUY order "stock" for "0.01" BTCUSD on GIFT00001
    And the clock advances 1 second
    Then the order "stock" is COMPLETE with "0.01" filled at an average price of "43021.5"
    And "acme"'s gift account holds "0.01" BTC
    When "acme" gifts "0.01" BTC to INV00001 as "g1"
    Then the last answer is COMPLETE
    And the gift "g1" is COMPLETE with price "43021.5", quantity "0.01" and notional "430.22"
    And "acme"'s gift account holds "0" BTC
    And "acme"'s account INV00001 holds "0.51" BTC
    And "acme"'s investor INV00001 has received 0 trade confirmation emails

  @settlement
  Scenario: After the next 09:00 CT the settlement detail has one row per execution
    # Net settlement: BUY totals 156152.21 + 59185.19, less the SELL total 4297.85.
    Given the market for BTCUSD quotes:
      | provider   | ask      | askSize     |
      | LP-ALPHA   | 43021.5  | 3.62600577  |
      | LP-BRAVO   | 43032.25 | 18.20397491 |
      | LP-CHARLIE | 43048.38 | 41.86012296 |
    When "acme" places a MARKET IOC BUY order "o1" for "5" BTCUSD on INV00001 with:
      | bpsCommission | 10 |
    And "acme" places a MARKET IOC SELL order "o2" for "0.1" BTCUSD on INV00002
    And the clock advances to "2026-03-02T15:00:00Z"
    Then "acme"'s settlement detail for "2026-03-02" has one row per execution of the order "o1"
    And "acme"'s settlement detail for "2026-03-02" has one row per execution of the order "o2"
    And "acme"'s settlement detail for "2026-03-02" lists in any order:
      | Account ID | Client Order ID | Trade Date | Side | Symbol | Last Quantity | Last Price | Notional  | Fees   | Total     |
      | INV00001   | o1              | 03/02/2026 | BUY  | BTC    | 3.62600577    | 43021.5    | 155996.21 | 156.00 | 156152.21 |
      | INV00001   | o1              | 03/02/2026 | BUY  | BTC    | 1.37399423    | 43032.25   | 59126.06  | 59.13  | 59185.19  |
      | INV00002   | o2              | 03/02/2026 | SELL | BTC    | 0.1           | 42978.5    | 4297.85   | 0.00   | 4297.85   |
    And "acme"'s settlement detail for "2026-03-02" nets "211039.55"

  @request_errors
  Scenario Outline: A request that does not describe an order is a 400 naming <field>, and records nothing
    When "acme" submits the order "x1" with:
      | account     | INV00001     |
      | symbol      | BTCUSD       |
      | side        | BUY          |
      | type        | <type>       |
      | timeInForce | <tif>        |
      | quantity    | <quantity>   |
      | notional    | <notional>   |
      | price       | <price>      |
      | expireTime  | <expireTime> |
    Then the last answer has status 400 and a message naming "<field>"
    When "acme" looks up the order "x1"
    Then the last answer has status 404 and message "Order not found"
    And "acme"'s queue has delivered 0 events

    Examples:
      | case                       | field       | type   | tif | quantity    | notional | price | expireTime           |
      | both quantity and notional | notional    | MARKET | IOC | 0.01        | 5        |       |                      |
      | neither                    | quantity    | MARKET | IOC |             |          |       |                      |
      | LIMIT without price        | price       | LIMIT  | GTC | 0.01        |          |       |                      |
      | MARKET with a price        | price       | MARKET | IOC | 0.01        |          | 43000 |                      |
      | quantity off the increment | quantity    | MARKET | IOC | 0.000000001 |          |       |                      |
      | unknown time in force      | timeInForce | MARKET | FOK | 0.01        |          |       |                      |
      | GTD without expireTime     | expireTime  | MARKET | GTD | 0.01        |          |       |                      |
      | GTD expiring in the past   | expireTime  | LIMIT  | GTD | 0.01        |          | 42000 | 2026-03-02T13:59:59Z |
      | GTD expiring now           | expireTime  | LIMIT  | GTD | 0.01        |          | 42000 | 2026-03-02T14:00:00Z |
      | quantity in exponent form  | quantity    | MARKET | IOC | 1e-2        |          |       |                      |
