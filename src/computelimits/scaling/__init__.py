"""Performance against compute: fits, extrapolation, backtests and trends."""
