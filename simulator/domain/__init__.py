"""The rules of the brokerage: pure Python and Decimal, no clocks, no I/O."""
