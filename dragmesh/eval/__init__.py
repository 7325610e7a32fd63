"""Evaluation on the benchmark split: the figures the README quotes."""
