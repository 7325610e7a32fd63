"""Fixtures shared across the suite."""

import pytest
import torch


@pytest.fixture
def one_thread():
    """Tiny tensors: more threads only add barrier waits (and the CI box may be busy)."""
    old = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(old)
