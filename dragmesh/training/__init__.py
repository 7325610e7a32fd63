"""Training loops for the shipped models (never part of the test suite beyond tiny smoke runs)."""
