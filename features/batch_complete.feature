@batch
Feature: Completing a batch at the average fill price
  A closed batch nets its accepted allocations (USD for NOTIONAL, coin for
  QUANTITY), the Firm Allocation Account sends one market order for the net,
  and every allocation completes at that order's average fill price: moved
  by a MARKUP client's bps against the investor and rounded half-even to 8
  decimals. NOTIONAL quantity = amount / price, half-even to 0.00000001;
  QUANTITY notional = quantity * price, half-even to cents; a bps fee is
  notional * bps / 10000, half-even to cents; netMoney is notional + fee for
  BUY, notional - fee for SELL.

  With the mid fixed at 43000.00 and a 10 bps spread, the best provider
  quotes bid 42978.50 and ask 43021.50; a small order fills wholly there,
  250 ms after the close.

  Background:
    Given a sandbox with seed 7 at "2026-03-02T14:00:00Z"
    And the market for BTCUSD is fixed at "43000.00" with a spread of 10 bps
    And a client "acme" with funding model NET_SETTLEMENT
    And client "acme" has investors INV00001 to INV00004 holding "0.5" BTC

  @fees @sqs
  Scenario: A NOTIONAL batch completes at the best ask, each allocation with its own commission
    # Net 1783.33 USD buys 1783.33 / 43021.50 -> 0.04145206 BTC; the four
    # allocations take 0.04145207, so the firm is short one satoshi of dust.
    # bpsCommission 1 on 250 is 0.025, half-even 0.02.
    Given "acme" opens a NOTIONAL batch "b1" for BTCUSD
    And "acme" allocates BUY "200" of BTCUSD to INV00001 as "a1" in batch "b1"
    And "acme" allocates BUY "1000" of BTCUSD to INV00002 as "a2" in batch "b1" with:
      | bpsCommission | 50 |
    And "acme" allocates BUY "333.33" of BTCUSD to INV00003 as "a3" in batch "b1" with:
      | fixedCommission | 1.25 |
    And "acme" allocates BUY "250" of BTCUSD to INV00004 as "a4" in batch "b1" with:
      | bpsCommission | 1 |
    When "acme" closes batch "b1" with 4 allocations
    Then the last answer is CLOSED
    When the clock advances 1 second
    Then the allocation "a1" is COMPLETE with price "43021.5", quantity "0.00464884", fee "0" and net money "200"
    And the allocation "a2" is COMPLETE with price "43021.5", quantity "0.02324419", fee "5" and net money "1005"
    And the allocation "a3" is COMPLETE with price "43021.5", quantity "0.00774799", fee "1.25" and net money "334.58"
    And the allocation "a4" is COMPLETE with price "43021.5", quantity "0.00581105", fee "0.02" and net money "250.02"
    And the batch "b1" is COMPLETE with 4 allocations
    And "acme"'s account INV00001 holds "0.50464884" BTC
    And "acme"'s account INV00002 holds "0.52324419" BTC
    And "acme"'s account INV00003 holds "0.50774799" BTC
    And "acme"'s account INV00004 holds "0.50581105" BTC
    And "acme"'s firm allocation account holds "-0.00000001" BTC
    And "acme"'s queue has delivered these events in order:
      | event_type         | resource   | name | status   |
      | allocation/batch/1 | batch      | b1   | OPEN     |
      | allocation/batch/1 | batch      | b1   | CLOSED   |
      | allocation/batch/1 | allocation | a1   | COMPLETE |
      | allocation/batch/1 | allocation | a2   | COMPLETE |
      | allocation/batch/1 | allocation | a3   | COMPLETE |
      | allocation/batch/1 | allocation | a4   | COMPLETE |
      | allocation/batch/1 | batch      | b1   | COMPLETE |
    And "acme"'s last event for the allocation "a2" equals its API answer
    And "acme"'s last event for the batch "b1" equals its API answer

  @fees @sqs
  Scenario: A TRADE_FEE client's bps apply where an allocation names no commission
    # Net -649.50 USD: one SELL order fills at the best bid 42978.50.
    # 250.50 * 25 / 10000 = 0.62625 -> 0.63; 1000 * 25 / 10000 = 2.50.
    Given a client "bravo" with commission TRADE_FEE 25 bps
    And client "bravo" has investors INV00001 to INV00003 holding "0.5" BTC
    And "bravo" opens a NOTIONAL batch "b1" for BTCUSD
    And "bravo" allocates BUY "250.50" of BTCUSD to INV00001 as "a1" in batch "b1"
    And "bravo" allocates SELL "1000" of BTCUSD to INV00002 as "a2" in batch "b1"
    And "bravo" allocates BUY "100" of BTCUSD to INV00003 as "a3" in batch "b1" with:
      | fixedCommission | 0 |
    When "bravo" closes batch "b1" with 3 allocations
    And the clock advances 1 second
    Then the allocation "a1" is COMPLETE with price "42978.5", quantity "0.0058285", fee "0.63" and net money "251.13"
    And the allocation "a2" is COMPLETE with price "42978.5", quantity "0.02326745", fee "2.5" and net money "997.5"
    And the allocation "a3" is COMPLETE with price "42978.5", quantity "0.00232674", fee "0" and net money "100"
    And the batch "b1" is COMPLETE with 3 allocations
    And "bravo"'s account INV00001 holds "0.5058285" BTC
    And "bravo"'s account INV00002 holds "0.47673255" BTC
    And "bravo"'s account INV00003 holds "0.50232674" BTC
    And "bravo"'s firm allocation account holds "0" BTC
    And "bravo"'s queue has delivered one allocation/batch/1 event for the allocation "a1" with status COMPLETE
    And "bravo"'s queue has delivered one allocation/batch/1 event for the allocation "a2" with status COMPLETE
    And "bravo"'s queue has delivered one allocation/batch/1 event for the allocation "a3" with status COMPLETE
    And "bravo"'s queue has delivered one allocation/batch/1 event for the batch "b1" with status COMPLETE
    And "bravo"'s last event for the allocation "a1" equals its API answer
    And "acme"'s queue has delivered 0 events

  @fees @sqs
  Scenario: A MARKUP client moves the price against the investor instead of charging a fee
    # The BUY order fills at 43021.50. Marked up 25 bps: 43129.05375 for
    # BUY, 42913.94625 for SELL. An allocation with its own commission is
    # not marked up. The firm keeps what the markup leaves over.
    Given a client "mark" with commission MARKUP 25 bps
    And client "mark" has investors INV00001 to INV00002 holding "0.5" BTC
    And "mark" opens a NOTIONAL batch "b1" for BTCUSD
    And "mark" allocates BUY "500" of BTCUSD to INV00001 as "a1" in batch "b1"
    And "mark" allocates BUY "400" of BTCUSD to INV00002 as "a2" in batch "b1" with:
      | bpsCommission | 10 |
    And "mark" allocates SELL "100" of BTCUSD to INV00001 as "a3" in batch "b1"
    When "mark" closes batch "b1" with 3 allocations
    And the clock advances 1 second
    Then the allocation "a1" is COMPLETE with price "43129.05375", quantity "0.01159311", fee "0" and net money "500"
    And the allocation "a2" is COMPLETE with price "43021.5", quantity "0.00929768", fee "0.4" and net money "400.4"
    And the allocation "a3" is COMPLETE with price "42913.94625", quantity "0.00233024", fee "0" and net money "100"
    And the batch "b1" is COMPLETE with 3 allocations
    And "mark"'s account INV00001 holds "0.50926287" BTC
    And "mark"'s account INV00002 holds "0.50929768" BTC
    And "mark"'s firm allocation account holds "0.0000348" BTC
    And "mark"'s queue has delivered these events in order:
      | resource   | name | status   |
      | batch      | b1   | OPEN     |
      | batch      | b1   | CLOSED   |
      | allocation | a1   | COMPLETE |
      | allocation | a2   | COMPLETE |
      | allocation | a3   | COMPLETE |
      | batch      | b1   | COMPLETE |
    And "mark"'s last event for the allocation "a1" equals its API answer

  @fees @sqs
  Scenario: A QUANTITY batch prices each notional to the cent, half-even
    # 0.03 * 43021.50 = 1290.645 -> 1290.64 (half-even keeps the even cent);
    # its 30 bps fee 3.87192 -> 3.87. 0.0025 * 43021.50 = 107.55375 -> 107.55.
    # 0.01 * 43021.50 = 430.215 -> 430.22, less the fixed 2.50.
    Given "acme" opens a QUANTITY batch "q1" for BTCUSD
    And "acme" allocates BUY "0.03" of BTCUSD to INV00001 as "a1" in batch "q1" with:
      | bpsCommission | 30 |
    And "acme" allocates BUY "0.0025" of BTCUSD to INV00002 as "a2" in batch "q1"
    And "acme" allocates SELL "0.01" of BTCUSD to INV00003 as "a3" in batch "q1" with:
      | fixedCommission | 2.50 |
    When "acme" closes batch "q1" with 3 allocations
    And the clock advances 1 second
    Then the allocation "a1" is COMPLETE with price "43021.5", quantity "0.03", fee "3.87" and net money "1294.51"
    And the allocation "a2" is COMPLETE with price "43021.5", quantity "0.0025", fee "0" and net money "107.55"
    And the allocation "a3" is COMPLETE with price "43021.5", quantity "0.01", fee "2.5" and net money "427.72"
    And the batch "q1" is COMPLETE with 3 allocations
    And "acme"'s account INV00001 holds "0.53" BTC
    And "acme"'s account INV00002 holds "0.5025" BTC
    And "acme"'s account INV00003 holds "0.49" BTC
    And "acme"'s firm allocation account holds "0" BTC
    And "acme"'s queue has delivered these events in order:
      | resource   | name | status   |
      | batch      | q1   | OPEN     |
      | batch      | q1   | CLOSED   |
      | allocation | a1   | COMPLETE |
      | allocation | a2   | COMPLETE |
      | allocation | a3   | COMPLETE |
      | batch      | q1   | COMPLETE |
    And "acme"'s last event for the allocation "a3" equals its API answer

  @sqs
  Scenario: The seed's worked check, 200 USD at 21440.92 is 0.00932796 BTC
    # Mid 21430.20 plus 5 bps is 21440.9151, rounded up to the cent.
    Given the market for BTCUSD is fixed at "21430.20" with a spread of 10 bps
    And "acme" opens a NOTIONAL batch "b1" for BTCUSD
    And "acme" allocates BUY "200" of BTCUSD to INV00001 as "a1" in batch "b1"
    When "acme" closes batch "b1" with 1 allocation
    And the clock advances 1 second
    Then the allocation "a1" is COMPLETE with price "21440.92", quantity "0.00932796", fee "0" and net money "200"
    And "acme"'s queue has delivered one allocation/batch/1 event for the allocation "a1" with status COMPLETE
    And "acme"'s last event for the allocation "a1" equals its API answer

  @sqs
  Scenario Outline: A batch larger than the best quote walks the providers: <case>
    # Each provider fills at its own ask, best first; what the quoted sizes
    # cannot cover fills at the worst price reached. The price is the
    # quantity-weighted average, to 8 decimals.
    Given the market for BTCUSD quotes:
      | provider   | bid      | ask      | askSize     |
      | LP-ALPHA   | 42978.5  | 43021.5  | 3.64532138  |
      | LP-BRAVO   | 42967.75 | 43032.25 | 19.37136626 |
      | LP-CHARLIE | 42951.62 | 43048.38 | 54.2356355  |
    And "acme" opens a QUANTITY batch "q1" for BTCUSD
    And "acme" allocates BUY "<first>" of BTCUSD to INV00001 as "a1" in batch "q1"
    And "acme" allocates BUY "<second>" of BTCUSD to INV00002 as "a2" in batch "q1"
    When "acme" closes batch "q1" with 2 allocations
    And the clock advances 1 second
    Then the allocation "a1" is COMPLETE with price "<price>", quantity "<first>", fee "0" and net money "<first_net>"
    And the allocation "a2" is COMPLETE with price "<price>", quantity "<second>", fee "0" and net money "<second_net>"
    And "acme"'s account INV00001 holds "<holding>" BTC
    And "acme"'s firm allocation account holds "0" BTC
    And "acme"'s queue has delivered one allocation/batch/1 event for the batch "q1" with status COMPLETE

    Examples:
      | case                                           | first | second | price          | first_net  | second_net | holding |
      | 3.64532138 at 43021.50, 1.35467862 at 43032.25 | 3     | 2      | 43024.41255903 | 129073.24  | 86048.83   | 3.5     |
      | the last 76.98331236 at 43048.38               | 60    | 40     | 43044.27553624 | 2582656.53 | 1721771.02 | 60.5    |

  @netting @sqs
  Scenario: Mixed sides net to one order: BUY 200 and SELL 150 buy 50 USD at the ask
    # One BUY order for 50 USD: both sides complete at the ask, the SELL
    # included. 50 / 43021.50 -> 0.00116221 BTC = 0.00464884 - 0.00348663.
    Given "acme" opens a NOTIONAL batch "b1" for BTCUSD
    And "acme" allocates BUY "200" of BTCUSD to INV00001 as "a1" in batch "b1"
    And "acme" allocates SELL "150" of BTCUSD to INV00002 as "a2" in batch "b1"
    When "acme" closes batch "b1" with 2 allocations
    And the clock advances 1 second
    Then the allocation "a1" is COMPLETE with price "43021.5", quantity "0.00464884", fee "0" and net money "200"
    And the allocation "a2" is COMPLETE with price "43021.5", quantity "0.00348663", fee "0" and net money "150"
    And "acme"'s account INV00001 holds "0.50464884" BTC
    And "acme"'s account INV00002 holds "0.49651337" BTC
    And "acme"'s firm allocation account holds "0" BTC
    And "acme"'s queue has delivered these events in order:
      | resource   | name | status   |
      | batch      | b1   | OPEN     |
      | batch      | b1   | CLOSED   |
      | allocation | a1   | COMPLETE |
      | allocation | a2   | COMPLETE |
      | batch      | b1   | COMPLETE |
    And "acme"'s last event for the allocation "a2" equals its API answer

  @netting @sqs
  Scenario: A net SELL sells the difference at the best bid
    # BUY 100 and SELL 300 net to a SELL order for 200 USD at 42978.50.
    Given "acme" opens a NOTIONAL batch "b1" for BTCUSD
    And "acme" allocates BUY "100" of BTCUSD to INV00001 as "a1" in batch "b1"
    And "acme" allocates SELL "300" of BTCUSD to INV00002 as "a2" in batch "b1"
    When "acme" closes batch "b1" with 2 allocations
    And the clock advances 1 second
    Then the allocation "a1" is COMPLETE with price "42978.5", quantity "0.00232674", fee "0" and net money "100"
    And the allocation "a2" is COMPLETE with price "42978.5", quantity "0.00698023", fee "0" and net money "300"
    And "acme"'s account INV00001 holds "0.50232674" BTC
    And "acme"'s account INV00002 holds "0.49301977" BTC
    And "acme"'s firm allocation account holds "0" BTC
    And "acme"'s queue has delivered one allocation/batch/1 event for the batch "b1" with status COMPLETE
    And "acme"'s last event for the allocation "a1" equals its API answer

  @netting @sqs
  Scenario Outline: A net of <net> USD, under the minimum order, crosses internally at the mid at once
    # No order, no latency: the batch completes within the close at 43000.
    # The firm supplies the net, so it keeps the difference.
    Given "acme" opens a NOTIONAL batch "b1" for BTCUSD
    And "acme" allocates BUY "<buy>" of BTCUSD to INV00001 as "a1" in batch "b1"
    And "acme" allocates SELL "<sell>" of BTCUSD to INV00002 as "a2" in batch "b1"
    When "acme" closes batch "b1" with 2 allocations
    Then the allocation "a1" is COMPLETE with price "43000", quantity "<buy_quantity>", fee "0" and net money "<buy>"
    And the allocation "a2" is COMPLETE with price "43000", quantity "<sell_quantity>", fee "0" and net money "<sell>"
    And the batch "b1" is COMPLETE with 2 allocations
    And "acme"'s firm allocation account holds "<firm>" BTC
    And "acme"'s queue has delivered these events in order:
      | resource   | name | status   |
      | batch      | b1   | OPEN     |
      | batch      | b1   | CLOSED   |
      | allocation | a1   | COMPLETE |
      | allocation | a2   | COMPLETE |
      | batch      | b1   | COMPLETE |

    Examples:
      | net  | buy | sell  | buy_quantity | sell_quantity | firm        |
      | 0    | 150 | 150   | 0.00348837   | 0.00348837    | 0           |
      | 0.30 | 200 | 199.7 | 0.00465116   | 0.00464419    | -0.00000697 |

  @netting @sqs
  Scenario: QUANTITY sides net in coin
    # BUY 0.02 and SELL 0.05 net to a SELL order for 0.03 BTC at 42978.50;
    # 0.05 * 42978.50 = 2148.925 -> 2148.92.
    Given "acme" opens a QUANTITY batch "q1" for BTCUSD
    And "acme" allocates BUY "0.02" of BTCUSD to INV00001 as "a1" in batch "q1"
    And "acme" allocates SELL "0.05" of BTCUSD to INV00002 as "a2" in batch "q1"
    When "acme" closes batch "q1" with 2 allocations
    And the clock advances 1 second
    Then the allocation "a1" is COMPLETE with price "42978.5", quantity "0.02", fee "0" and net money "859.57"
    And the allocation "a2" is COMPLETE with price "42978.5", quantity "0.05", fee "0" and net money "2148.92"
    And "acme"'s account INV00001 holds "0.52" BTC
    And "acme"'s account INV00002 holds "0.45" BTC
    And "acme"'s firm allocation account holds "0" BTC
    And "acme"'s queue has delivered one allocation/batch/1 event for the batch "q1" with status COMPLETE

  @timing @sqs
  Scenario: The batch's market order fills 250 ms after the close
    Given "acme" opens a NOTIONAL batch "b1" for BTCUSD
    And "acme" allocates BUY "200" of BTCUSD to INV00001 as "a1" in batch "b1"
    When "acme" closes batch "b1" with 1 allocation
    And the clock advances 0.249 seconds
    Then the batch "b1" is IN_PROGRESS with 1 allocation
    And the allocation "a1" is IN_PROGRESS
    And "acme"'s queue has delivered 2 events
    When the clock advances 0.001 seconds
    Then the batch "b1" is COMPLETE with 1 allocation
    And the allocation "a1" is COMPLETE with price "43021.5", quantity "0.00464884", fee "0" and net money "200"
    And "acme"'s queue has delivered 4 events

  @timing @sqs
  Scenario: During the daily maintenance window the order waits until 17:05 CT
    # 2 March 2026 is standard time: 16:30 to 17:05 CT is 22:30 to 23:05 UTC.
    Given "acme" opens a NOTIONAL batch "b1" for BTCUSD
    And "acme" allocates BUY "200" of BTCUSD to INV00001 as "a1" in batch "b1"
    When the clock advances to "2026-03-02T22:40:00Z"
    And "acme" closes batch "b1" with 1 allocation
    And the clock advances to "2026-03-02T23:05:00.249Z"
    Then the batch "b1" is IN_PROGRESS with 1 allocation
    When the clock advances to "2026-03-02T23:05:00.250Z"
    Then the allocation "a1" is COMPLETE with price "43021.5", quantity "0.00464884", fee "0" and net money "200"
    And the batch "b1" is COMPLETE with 1 allocation
    And "acme"'s queue has delivered one allocation/batch/1 event for the batch "b1" with status COMPLETE
