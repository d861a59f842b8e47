@settlement
Feature: Net settlement: the daily files at 09:00 CT and the finance email
  For a NET_SETTLEMENT client, every 09:00 CT (America/Chicago: 15:00 UTC in
  winter, 14:00 UTC in summer) closes the half-open window [previous 09:00 CT,
  this 09:00 CT) and writes two files named by the CT date of its end:
  eod_settlement/YYYY-MM-DDsettlement_detail.csv (one row per investor
  execution and USD cash adjustment) and ..._summary.csv (firm against
  allocated quantities per coin), every day, empty days included. The summary
  is emailed to the client's financeEmails. Net Settlement = BUY totals -
  SELL totals - DEPOSITs + WITHDRAWALs; positive means the client owes.
  BAKKT_TPJ and APEX_TPJ clients get neither files nor emails.

  With the mid fixed at 43000.00 (BTC) and 2300.00 (ETH) and a 10 bps spread,
  the best provider asks 43021.5 for BTC and bids 2298.85 for ETH; a small
  batch order fills wholly there 250 ms after the close.

  Scenario: Both files arrive every day at 09:00 CT, even when nothing happened
    Given a sandbox with seed 7 at "2026-03-02T14:00:00Z"
    And a client "acme" with funding model NET_SETTLEMENT and finance emails "finance@acme.test, ops@acme.test"
    When the clock advances to "2026-03-02T14:59:59.999Z"
    Then "acme"'s files under "eod_settlement/" are:
      | key |
    And "acme"'s emails to "finance@acme.test" are:
      | subject |
    When the clock advances to "2026-03-04T15:00:00Z"
    Then "acme"'s files under "eod_settlement/" are:
      | key                                           | writtenAt                |
      | eod_settlement/2026-03-02settlement_detail.csv  | 2026-03-02T15:00:00.000Z |
      | eod_settlement/2026-03-02settlement_summary.csv | 2026-03-02T15:00:00.000Z |
      | eod_settlement/2026-03-03settlement_detail.csv  | 2026-03-03T15:00:00.000Z |
      | eod_settlement/2026-03-03settlement_summary.csv | 2026-03-03T15:00:00.000Z |
      | eod_settlement/2026-03-04settlement_detail.csv  | 2026-03-04T15:00:00.000Z |
      | eod_settlement/2026-03-04settlement_summary.csv | 2026-03-04T15:00:00.000Z |
    And "acme"'s file "eod_settlement/2026-03-03settlement_detail.csv" reads:
      """
      From,2026-03-02T15:00:00Z
      To,2026-03-03T15:00:00Z
      Net Settlement,0.00

      Account ID,Client Order ID,Execution ID,Trade Date,Execution Time,Side,Symbol,Last Quantity,Last Price,Notional,Fees,Total
      """
    And "acme"'s file "eod_settlement/2026-03-03settlement_summary.csv" reads:
      """
      From,2026-03-02T15:00:00Z
      To,2026-03-03T15:00:00Z
      Net Settlement,0.00

      coin,firm notional,firm qty,allocation qty,diff qty
      all,0.00,0,0,0
      """
    And "acme"'s emails to "ops@acme.test" are:
      | subject                   | sentAt                   |
      | Net settlement 2026-03-02 | 2026-03-02T15:00:00.000Z |
      | Net settlement 2026-03-03 | 2026-03-03T15:00:00.000Z |
      | Net settlement 2026-03-04 | 2026-03-04T15:00:00.000Z |
    And "acme"'s emails to "finance@acme.test" end with one whose body is the file "eod_settlement/2026-03-04settlement_summary.csv"

  Scenario Outline: An execution at exactly 09:00:00.000 CT belongs to the next window
    # The fill comes 250 ms after the close: at <executed>.
    Given a sandbox with seed 7 at "2026-03-02T14:00:00Z"
    And the market for BTCUSD is fixed at "43000.00" with a spread of 10 bps
    And a client "acme"
    And client "acme" has investors INV00001 to INV00001
    And "acme" opens a NOTIONAL batch "b1" for BTCUSD
    And "acme" allocates BUY "200" of BTCUSD to INV00001 as "a1" in batch "b1"
    When the clock advances to "<close_at>"
    And "acme" closes batch "b1" with 1 allocation
    And the clock advances to "2026-03-03T15:00:00Z"
    Then the allocation "a1" is COMPLETE with price "43021.5", quantity "0.00464884", fee "0" and net money "200"
    And "acme"'s settlement detail for "<window_day>" nets "200.00"
    And "acme"'s settlement detail for "<window_day>" lists in any order:
      | Account ID | Client Order ID | Execution Time | Side | Symbol | Last Quantity | Last Price | Notional | Fees | Total  |
      | INV00001   | a1              | <executed>     | BUY  | BTC    | 0.00464884    | 43021.5    | 200.00   | 0.00 | 200.00 |
    And "acme"'s settlement detail for "<other_day>" nets "0.00"
    And "acme"'s settlement detail for "<other_day>" lists in any order:
      | Account ID |
    And "acme"'s file "eod_settlement/<other_day>settlement_summary.csv" contains "all,0.00,0,0,0"

    Examples:
      | close_at                 | executed                 | window_day | other_day  |
      | 2026-03-02T14:59:59.750Z | 2026-03-02T15:00:00.000Z | 2026-03-03 | 2026-03-02 |
      | 2026-03-02T14:59:59.749Z | 2026-03-02T14:59:59.999Z | 2026-03-02 | 2026-03-03 |

  Scenario: The window before the March switch lasts 23 hours
    # 09:00 CST is 15:00Z; from March 8, 09:00 CDT is 14:00Z.
    Given a sandbox with seed 7 at "2026-03-07T14:00:00Z"
    And a client "acme"
    And client "acme" has investors INV00001 to INV00001
    When the clock advances to "2026-03-08T13:59:59.999Z"
    And "acme" deposits "1.00" USD to INV00001
    And the clock advances to "2026-03-08T14:00:00Z"
    And "acme" deposits "2.00" USD to INV00001
    And the clock advances to "2026-03-09T14:00:00Z"
    Then "acme"'s files under "eod_settlement/" are:
      | key                                           | writtenAt                |
      | eod_settlement/2026-03-07settlement_detail.csv  | 2026-03-07T15:00:00.000Z |
      | eod_settlement/2026-03-07settlement_summary.csv | 2026-03-07T15:00:00.000Z |
      | eod_settlement/2026-03-08settlement_detail.csv  | 2026-03-08T14:00:00.000Z |
      | eod_settlement/2026-03-08settlement_summary.csv | 2026-03-08T14:00:00.000Z |
      | eod_settlement/2026-03-09settlement_detail.csv  | 2026-03-09T14:00:00.000Z |
      | eod_settlement/2026-03-09settlement_summary.csv | 2026-03-09T14:00:00.000Z |
    And "acme"'s file "eod_settlement/2026-03-08settlement_summary.csv" reads:
      """
      From,2026-03-07T15:00:00Z
      To,2026-03-08T14:00:00Z
      Net Settlement,-1.00

      coin,firm notional,firm qty,allocation qty,diff qty
      all,0.00,0,0,0
      """
    And "acme"'s settlement detail for "2026-03-08" lists in any order:
      | Account ID | Trade Date | Execution Time           | Side    | Symbol | Last Quantity | Last Price | Notional | Fees | Total |
      | INV00001   | 03/08/2026 | 2026-03-08T13:59:59.999Z | DEPOSIT | USD    | 1             | 1          | 1.00     | 0.00 | 1.00  |
    And "acme"'s file "eod_settlement/2026-03-09settlement_detail.csv" contains "From,2026-03-08T14:00:00Z"
    And "acme"'s file "eod_settlement/2026-03-09settlement_detail.csv" contains "To,2026-03-09T14:00:00Z"
    And "acme"'s file "eod_settlement/2026-03-09settlement_detail.csv" contains "Net Settlement,-2.00"

  Scenario: The window across the November switch lasts 25 hours
    # 09:00 CDT is 14:00Z; from November 1, 09:00 CST is 15:00Z.
    Given a sandbox with seed 7 at "2026-10-31T13:00:00Z"
    And a client "acme"
    And client "acme" has investors INV00001 to INV00001
    When the clock advances to "2026-11-01T14:30:00Z"
    And "acme" deposits "1.00" USD to INV00001
    And the clock advances to "2026-11-01T15:00:00Z"
    And "acme" deposits "2.00" USD to INV00001
    And the clock advances to "2026-11-02T15:00:00Z"
    Then "acme"'s files under "eod_settlement/" are:
      | key                                           | writtenAt                |
      | eod_settlement/2026-10-31settlement_detail.csv  | 2026-10-31T14:00:00.000Z |
      | eod_settlement/2026-10-31settlement_summary.csv | 2026-10-31T14:00:00.000Z |
      | eod_settlement/2026-11-01settlement_detail.csv  | 2026-11-01T15:00:00.000Z |
      | eod_settlement/2026-11-01settlement_summary.csv | 2026-11-01T15:00:00.000Z |
      | eod_settlement/2026-11-02settlement_detail.csv  | 2026-11-02T15:00:00.000Z |
      | eod_settlement/2026-11-02settlement_summary.csv | 2026-11-02T15:00:00.000Z |
    And "acme"'s file "eod_settlement/2026-11-01settlement_summary.csv" reads:
      """
      From,2026-10-31T14:00:00Z
      To,2026-11-01T15:00:00Z
      Net Settlement,-1.00

      coin,firm notional,firm qty,allocation qty,diff qty
      all,0.00,0,0,0
      """
    And "acme"'s file "eod_settlement/2026-11-02settlement_detail.csv" contains "From,2026-11-01T15:00:00Z"
    And "acme"'s file "eod_settlement/2026-11-02settlement_detail.csv" contains "To,2026-11-02T15:00:00Z"
    And "acme"'s file "eod_settlement/2026-11-02settlement_detail.csv" contains "Net Settlement,-2.00"

  @fees @netting
  Scenario: A trading day nets buys, sells with fees, an internal cross and USD cash
    # Trades: BUY 200.00 + 430.00; SELL 100.25 + 429.78 + 1148.27; cash: DEPOSIT
    # 500.00, WITHDRAWAL 120.25, so the client is owed 1428.05. The QUANTITY
    # batch nets 0.000005 BTC BUY, under the minimum order: it crosses at the
    # mid from the firm, which executes nothing for it, leaving a diff.
    Given a sandbox with seed 7 at "2026-03-02T14:00:00Z"
    And the market for BTCUSD is fixed at "43000.00" with a spread of 10 bps
    And the market for ETHUSD is fixed at "2300.00" with a spread of 10 bps
    And a client "acme" with funding model NET_SETTLEMENT and finance emails "finance@acme.test"
    And client "acme" has investors INV00001 to INV00003 holding "0.5" BTC
    And client "acme" has an investor ETHER01 holding "2" ETH
    When the clock advances to "2026-03-02T16:00:00Z"
    And "acme" opens a NOTIONAL batch "n" for BTCUSD
    And "acme" allocates BUY "200" of BTCUSD to INV00001 as "n1" in batch "n"
    And "acme" allocates SELL "100.50" of BTCUSD to INV00002 as "n2" in batch "n" with:
      | bpsCommission | 25 |
    And "acme" closes batch "n" with 2 allocations
    And the clock advances 1 second
    And "acme" opens a QUANTITY batch "q" for BTCUSD
    And "acme" allocates BUY "0.01" of BTCUSD to INV00001 as "q1" in batch "q"
    And "acme" allocates SELL "0.009995" of BTCUSD to INV00003 as "q2" in batch "q"
    And "acme" closes batch "q" with 2 allocations
    And the clock advances 1 second
    And "acme" opens a QUANTITY batch "e" for ETHUSD
    And "acme" allocates SELL "0.5" of ETHUSD to ETHER01 as "e1" in batch "e" with:
      | bpsCommission | 10 |
    And "acme" closes batch "e" with 1 allocation
    And the clock advances 1 second
    And "acme" deposits "500.00" USD to INV00003
    And the clock advances to "2026-03-03T02:00:00Z"
    And "acme" withdraws "120.25" USD from INV00003
    And the clock advances to "2026-03-03T15:00:00Z"
    Then "acme"'s settlement detail for "2026-03-03" nets "-1428.05"
    And "acme"'s settlement detail for "2026-03-03" lists in any order:
      | Account ID | Trade Date | Execution Time           | Side       | Symbol | Last Quantity | Last Price | Notional | Fees | Total   |
      | INV00001   | 03/02/2026 | 2026-03-02T16:00:00.250Z | BUY        | BTC    | 0.00464884    | 43021.5    | 200.00   | 0.00 | 200.00  |
      | INV00002   | 03/02/2026 | 2026-03-02T16:00:00.250Z | SELL       | BTC    | 0.00233604    | 43021.5    | 100.50   | 0.25 | 100.25  |
      | INV00001   | 03/02/2026 | 2026-03-02T16:00:01.000Z | BUY        | BTC    | 0.01          | 43000      | 430.00   | 0.00 | 430.00  |
      | INV00003   | 03/02/2026 | 2026-03-02T16:00:01.000Z | SELL       | BTC    | 0.009995      | 43000      | 429.78   | 0.00 | 429.78  |
      | ETHER01    | 03/02/2026 | 2026-03-02T16:00:02.250Z | SELL       | ETH    | 0.5           | 2298.85    | 1149.42  | 1.15 | 1148.27 |
      | INV00003   | 03/02/2026 | 2026-03-02T16:00:03.000Z | DEPOSIT    | USD    | 500           | 1          | 500.00   | 0.00 | 500.00  |
      | INV00003   | 03/03/2026 | 2026-03-03T02:00:00.000Z | WITHDRAWAL | USD    | 120.25        | 1          | 120.25   | 0.00 | 120.25  |
    And "acme"'s file "eod_settlement/2026-03-03settlement_summary.csv" reads:
      """
      From,2026-03-02T15:00:00Z
      To,2026-03-03T15:00:00Z
      Net Settlement,0.00

      coin,firm notional,firm qty,allocation qty,diff qty
      all,0.00,0,0,0
      """
    And "acme"'s emails to "ops@acme.test" are:
      | subject                   | sentAt                   |
      | Net settlement 2026-03-02 | 2026-03-02T15:00:00.000Z |
      | Net settlement 2026-03-03 | 2026-03-03T15:00:00.000Z |
      | Net settlement 2026-03-04 | 2026-03-04T15:00:00.000Z |
    And "acme"'s emails to "finance@acme.test" end with one whose body is the file "eod_settlement/2026-03-04settlement_summary.csv"

  Scenario Outline: An execution at exactly 09:00:00.000 CT belongs to the next window
    # The fill comes 250 ms after the close: at <executed>.
    Given a sandbox with seed 7 at "2026-03-02T14:00:00Z"
    And the market for BTCUSD is fixed at "43000.00" with a spread of 10 bps
    And a client "acme"
    And client "acme" has investors INV00001 to INV00001
    And "acme" opens a NOTIONAL batch "b1" for BTCUSD
    And "acme" allocates BUY "200" of BTCUSD to INV00001 as "a1" in batch "b1"
    When the clock advances to "<close_at>"
    And "acme" closes batch "b1" with 1 allocation
    And the clock advances to "2026-03-03T15:00:00Z"
    Then the allocation "a1" is COMPLETE with price "43021.5", quantity "0.00464884", fee "0" and net money "200"
    And "acme"'s settlement detail for "<window_day>" nets "200.00"
    And "acme"'s settlement detail for "<window_day>" lists in any order:
      | Account ID | Client Order ID | Execution Time | Side | Symbol | Last Quantity | Last Price | Notional | Fees | Total  |
      | INV00001   | a1              | <executed>     | BUY  | BTC    | 0.00464884    | 43021.5    | 200.00   | 0.00 | 200.00 |
    And "acme"'s settlement detail for "<other_day>" nets "0.00"
    And "acme"'s settlement detail for "<other_day>" lists in any order:
      | Account ID |
    And "acme"'s file "eod_settlement/<other_day>settlement_summary.csv" contains "all,0.00,0,0,0"

    Examples:
      | close_at                 | executed                 | window_day | other_day  |
      | 2026-03-02T14:59:59.750Z | 2026-03-02T15:00:00.000Z | 2026-03-03 | 2026-03-02 |
      | 2026-03-02T14:59:59.749Z | 2026-03-02T14:59:59.999Z | 2026-03-02 | 2026-03-03 |

  Scenario: The window before the March switch lasts 23 hours
    # 09:00 CST is 15:00Z; from March 8, 09:00 CDT is 14:00Z.
    Given a sandbox with seed 7 at "2026-03-07T14:00:00Z"
    And a client "acme"
    And client "acme" has investors INV00001 to INV00001
    When the clock advances to "2026-03-08T13:59:59.999Z"
    And "acme" deposits "1.00" USD to INV00001
    And the clock advances to "2026-03-08T14:00:00Z"
    And "acme" deposits "2.00" USD to INV00001
    And the clock advances to "2026-03-09T14:00:00Z"
    Then "acme"'s files under "eod_settlement/" are:
      | key                                           | writtenAt                |
      | eod_settlement/2026-03-07settlement_detail.csv  | 2026-03-07T15:00:00.000Z |
      | eod_settlement/2026-03-07settlement_summary.csv | 2026-03-07T15:00:00.000Z |
      | eod_settlement/2026-03-08settlement_detail.csv  | 2026-03-08T14:00:00.000Z |
      | eod_settlement/2026-03-08settlement_summary.csv | 2026-03-08T14:00:00.000Z |
      | eod_settlement/2026-03-09settlement_detail.csv  | 2026-03-09T14:00:00.000Z |
      | eod_settlement/2026-03-09settlement_summary.csv | 2026-03-09T14:00:00.000Z |
    And "acme"'s file "eod_settlement/2026-03-08settlement_summary.csv" reads:
      """
      From,2026-03-07T15:00:00Z
      To,2026-03-08T14:00:00Z
      Net Settlement,-1.00

      coin,firm notional,firm qty,allocation qty,diff qty
      all,0.00,0,0,0
      """
    And "acme"'s settlement detail for "2026-03-08" lists in any order:
      | Account ID | Trade Date | Execution Time           | Side    | Symbol | Last Quantity | Last Price | Notional | Fees | Total |
      | INV00001   | 03/08/2026 | 2026-03-08T13:59:59.999Z | DEPOSIT | USD    | 1             | 1          | 1.00     | 0.00 | 1.00  |
    And "acme"'s file "eod_settlement/2026-03-09settlement_detail.csv" contains "From,2026-03-08T14:00:00Z"
    And "acme"'s file "eod_settlement/2026-03-09settlement_detail.csv" contains "To,2026-03-09T14:00:00Z"
    And "acme"'s file "eod_settlement/2026-03-09settlement_detail.csv" contains "Net Settlement,-2.00"

  Scenario: The window across the November switch lasts 25 hours
    # 09:00 CDT is 14:00Z; from November 1, 09:00 CST is 15:00Z.
    Given a sandbox with seed 7 at "2026-10-31T13:00:00Z"
    And a client "acme"
    And client "acme" has investors INV00001 to INV00001
    When the clock advances to "2026-11-01T14:30:00Z"
    And "acme" deposits "1.00" USD to INV00001
    And the clock advances to "2026-11-01T15:00:00Z"
    And "acme" deposits "2.00" USD to INV00001
    And the clock advances to "2026-11-02T15:00:00Z"
    Then "acme"'s files under "eod_settlement/" are:
      | key                                           | writtenAt                |
      | eod_settlement/2026-10-31settlement_detail.csv  | 2026-10-31T14:00:00.000Z |
      | eod_settlement/2026-10-31settlement_summary.csv | 2026-10-31T14:00:00.000Z |
      | eod_settlement/2026-11-01settlement_detail.csv  | 2026-11-01T15:00:00.000Z |
      | eod_settlement/2026-11-01settlement_summary.csv | 2026-11-01T15:00:00.000Z |
      | eod_settlement/2026-11-02settlement_detail.csv  | 2026-11-02T15:00:00.000Z |
      | eod_settlement/2026-11-02settlement_summary.csv | 2026-11-02T15:00:00.000Z |
    And "acme"'s file "eod_settlement/2026-11-01settlement_summary.csv" reads:
      """
      From,2026-10-31T14:00:00Z
      To,2026-11-01T15:00:00Z
      Net Settlement,-1.00

      coin,firm notional,firm qty,allocation qty,diff qty
      all,0.00,0,0,0
      """
    And "acme"'s file "eod_settlement/2026-11-02settlement_detail.csv" contains "From,2026-11-01T15:00:00Z"
    And "acme"'s file "eod_settlement/2026-11-02settlement_detail.csv" contains "To,2026-11-02T15:00:00Z"
    And "acme"'s file "eod_settlement/2026-11-02settlement_detail.csv" contains "Net Settlement,-2.00"

  @fees @netting
  Scenario: A trading day nets buys, sells with fees, an internal cross and USD cash
    # Trades: BUY 200.00 + 430.00; SELL 100.25 + 429.78 + 1148.27; cash: DEPOSIT
    # 500.00, WITHDRAWAL 120.25, so the client is owed 1428.05. The QUANTITY
    # batch nets 0.000005 BTC BUY, under the minimum order: it crosses at the
    # mid from the firm, which executes nothing for it, leaving a diff.
    Given a sandbox with seed 7 at "2026-03-02T14:00:00Z"
    And the market for BTCUSD is fixed at "43000.00" with a spread of 10 bps
    And the market for ETHUSD is fixed at "2300.00" with a spread of 10 bps
    And a client "acme" with funding model NET_SETTLEMENT and finance emails "finance@acme.test"
    And client "acme" has investors INV00001 to INV00003 holding "0.5" BTC
    And client "acme" has an investor ETHER01 holding "2" ETH
    When the clock advances to "2026-03-02T16:00:00Z"
    And "acme" opens a NOTIONAL batch "n" for BTCUSD
    And "acme" allocates BUY "200" of BTCUSD to INV00001 as "n1" in batch "n"
    And "acme" allocates SELL "100.50" of BTCUSD to INV00002 as "n2" in batch "n" with:
      | bpsCommission | 25 |
    And "acme" closes batch "n" with 2 allocations
    And the clock advances 1 second
    And "acme" opens a QUANTITY batch "q" for BTCUSD
    And "acme" allocates BUY "0.01" of BTCUSD to INV00001 as "q1" in batch "q"
    And "acme" allocates SELL "0.009995" of BTCUSD to INV00003 as "q2" in batch "q"
    And "acme" closes batch "q" with 2 allocations
    And the clock advances 1 second
    And "acme" opens a QUANTITY batch "e" for ETHUSD
    And "acme" allocates SELL "0.5" of ETHUSD to ETHER01 as "e1" in batch "e" with:
      | bpsCommission | 10 |
    And "acme" closes batch "e" with 1 allocation
    And the clock advances 1 second
    And "acme" deposits "500.00" USD to INV00003
    And the clock advances to "2026-03-03T02:00:00Z"
    And "acme" withdraws "120.25" USD from INV00003
    And the clock advances to "2026-03-03T15:00:00Z"
    Then "acme"'s settlement detail for "2026-03-03" nets "-1428.05"
    And "acme"'s settlement detail for "2026-03-03" lists in any order:
      | Trade Date | Execution Time           | Side       | Symbol | Last Quantity | Last Price | Notional | Fees | Total   |
      | 03/02/2026 | 2026-03-02T16:00:00.250Z | BUY        | BTC    | 0.00464884    | 43021.5    | 200.00   | 0.00 | 200.00  |
      | 03/02/2026 | 2026-03-02T16:00:00.250Z | SELL       | BTC    | 0.00233604    | 43021.5    | 100.50   | 0.25 | 100.25  |
      | 03/02/2026 | 2026-03-02T16:00:01.000Z | BUY        | BTC    | 0.01          | 43000      | 430.00   | 0.00 | 430.00  |
      | 03/02/2026 | 2026-03-02T16:00:01.000Z | SELL       | BTC    | 0.009995      | 43000      | 429.78   | 0.00 | 429.78  |
      | 03/02/2026 | 2026-03-02T16:00:02.250Z | SELL       | ETH    | 0.5           | 2298.85    | 1149.42  | 1.15 | 1148.27 |
      | 03/02/2026 | 2026-03-02T16:00:03.000Z | DEPOSIT    | USD    | 500           | 1          | 500.00   | 0.00 | 500.00  |
      | 03/03/2026 | 2026-03-03T02:00:00.000Z | WITHDRAWAL | USD    | 120.25        | 1          | 120.25   | 0.00 | 120.25  |
    And "acme"'s file "eod_settlement/2026-03-03settlement_summary.csv" reads:
      """
      From,2026-03-02T15:00:00Z
      To,2026-03-03T15:00:00Z
      Net Settlement,-1428.05

      coin,firm notional,firm qty,allocation qty,diff qty
      all,-1049.92,-0.4976872,-0.4976822,-0.000005
      BTC,99.50,0.0023128,0.0023178,-0.000005
      ETH,-1149.42,-0.5,-0.5,0
      """
    And "acme"'s emails to "finance@acme.test" are:
      | subject                   | sentAt                   |
      | Net settlement 2026-03-02 | 2026-03-02T15:00:00.000Z |
      | Net settlement 2026-03-03 | 2026-03-03T15:00:00.000Z |
    And "acme"'s emails to "finance@acme.test" end with one whose body is the file "eod_settlement/2026-03-03settlement_summary.csv"

  @cash_calls
  Scenario Outline: A <funding_model> client gets no settlement files and no finance email
    Given a sandbox with seed 7 at "2026-03-02T14:00:00Z"
    And the market for BTCUSD is fixed at "43000.00" with a spread of 10 bps
    And a client "tpj" with funding model <funding_model> and finance emails "finance@tpj.test"
    And a client "acme" with funding model NET_SETTLEMENT and finance emails "finance@acme.test"
    And client "tpj" has investors INV00001 to INV00002 with "1000.00" USD
    When "tpj" opens a NOTIONAL batch "t" for BTCUSD
    And "tpj" allocates BUY "200" of BTCUSD to INV00001 as "t1" in batch "t"
    And "tpj" closes batch "t" with 1 allocation
    And "tpj" deposits "50.00" USD to INV00002
    And the clock advances to "2026-03-04T15:00:00Z"
    Then the batch "t" is COMPLETE
    And "tpj"'s bucket has no file under "eod_settlement/"
    And "tpj"'s emails to "finance@tpj.test" are:
      | subject |
    And "acme"'s emails to "finance@acme.test" are:
      | subject                   |
      | Net settlement 2026-03-02 |
      | Net settlement 2026-03-03 |
      | Net settlement 2026-03-04 |

    Examples:
      | funding_model |
      | BAKKT_TPJ     |
      | APEX_TPJ      |
