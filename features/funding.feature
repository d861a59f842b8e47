@cash_calls
Feature: Funding: TPJ cash calls, buying power and the cash reports
  Under BAKKT_TPJ and APEX_TPJ trades execute at once and the investor's USD
  cash follows: every investor execution opens a cash call for its netMoney
  (a debit for a BUY, a credit for a SELL), first tried 60 s after the trade
  and paid in full or not at all. A call the cash cannot cover is retried at
  06:00 and 17:00 CT and written off at the first retry 30 CT calendar days
  after its trade date. The aged TPJ file (09:30 and 19:30 CT) lists the calls
  that failed and are still open; the cash balance and cash activity reports
  come at 16:40 CT. Buying power is the cash less the open cash calls.

  With the mid fixed at 43000.00 and a 10 bps spread, LP-ALPHA asks 43021.5
  and bids 42978.5: 0.01 BTC costs 430.22 and sells for 429.78; 0.05 BTC
  costs 2151.08.

  Background:
    Given a sandbox with seed 11 at "2026-03-02T14:00:00Z"
    And the market for BTCUSD is fixed at "43000.00" with a spread of 10 bps
    And a client "shop" with funding model BAKKT_TPJ
    And client "shop" has investors INV00001 to INV00002 with "1000.00" USD

  Scenario: A BUY is debited 60 seconds after the trade when the cash covers it
    When "shop" places a MARKET IOC BUY order "o1" for "0.01" BTCUSD on INV00001
    And the clock advances 60 seconds
    Then "shop"'s account INV00001 has cash "1000", unsettled cash calls "430.22" and buying power "569.78"
    When the clock advances 1 second
    Then "shop"'s account INV00001 has cash "569.78", unsettled cash calls "0" and buying power "569.78"

  Scenario: A SELL is credited even to an account without cash
    Given "shop" withdraws "1000.00" USD from INV00001
    And client "shop" has an investor SELLER holding "0.5" BTC
    When "shop" places a MARKET IOC SELL order "s1" for "0.01" BTCUSD on SELLER
    And the clock advances 61 seconds
    Then "shop"'s account SELLER has cash "429.78", unsettled cash calls "0" and buying power "429.78"

  Scenario: A BUY the cash cannot cover is aged, then paid at the 17:00 CT retry after a deposit
    When "shop" places a MARKET IOC BUY order "big" for "0.05" BTCUSD on INV00002
    And the clock advances to "2026-03-02T15:30:00Z"
    Then "shop"'s account INV00002 has cash "1000", unsettled cash calls "2151.08" and buying power "-1151.08"
    And "shop"'s file "tpj_aging/2026-03-02-0930aged_tpj.csv" lists in order:
      | Account ID | Client Order ID | Trade Date | Side | Symbol | Quantity | Notional | Amount Due | Attempts | Age Days |
      | INV00002   | big             | 03/02/2026 | BUY  | BTC    | 0.05     | 2151.08  | 2151.08    | 1        | 0        |
    When "shop" deposits "1151.08" USD to INV00002
    And the clock advances to "2026-03-02T22:40:00Z"
    Then "shop"'s file "cash/2026-03-02cash_balance.csv" lists in order:
      | Account ID | Unsettled Amount | Settled Amount |
      | INV00001   | 0.00             | 1000.00        |
      | INV00002   | 2151.08          | 2151.08        |
    And "shop"'s file "cash/2026-03-02cash_activity.csv" lists in order:
      | Account ID | Activity Time            | Type    | Amount  | Balance |
      | INV00002   | 2026-03-02T15:30:00.000Z | DEPOSIT | 1151.08 | 2151.08 |
    When the clock advances to "2026-03-03T01:30:00Z"
    Then "shop"'s account INV00002 has cash "0", unsettled cash calls "0" and buying power "0"
    And "shop"'s file "tpj_aging/2026-03-02-1930aged_tpj.csv" lists in order:
      | Account ID |

  Scenario: A call still unpaid 30 CT calendar days after its trade is written off
    When "shop" places a MARKET IOC BUY order "big" for "0.05" BTCUSD on INV00002
    And the clock advances to "2026-04-01T00:30:00Z"
    Then "shop"'s file "tpj_aging/2026-03-31-1930aged_tpj.csv" lists in order:
      | Client Order ID | Amount Due | Attempts | Age Days |
      | big             | 2151.08    | 60       | 29       |
    When the clock advances to "2026-04-01T21:40:00Z"
    Then "shop"'s account INV00002 has cash "1000", unsettled cash calls "0" and buying power "1000"
    And "shop"'s file "tpj_aging/2026-04-01-0930aged_tpj.csv" lists in order:
      | Account ID |
    And "shop"'s file "cash/2026-04-01cash_activity.csv" lists in order:
      | Account ID | Activity Time            | Type      | Amount  | Balance |
      | INV00002   | 2026-04-01T11:00:00.000Z | WRITE_OFF | 2151.08 | 1000.00 |

  Scenario: A Net Settlement client's trades call no cash and write no TPJ files
    Given a client "net"
    And client "net" has investors INV00001 to INV00001 with "1000.00" USD
    When "net" places a MARKET IOC BUY order "n1" for "0.01" BTCUSD on INV00001
    And the clock advances to "2026-03-03T15:00:00Z"
    Then "net"'s account INV00001 has cash "1000", unsettled cash calls "0" and buying power "1000"
    And "net"'s bucket has no file under "tpj_aging/"
    And "net"'s bucket has no file under "cash/"
    And "shop"'s bucket has no file under "eod_settlement/"
