"""Evaluation on the benchmark split: the figures of SPEC §5."""
