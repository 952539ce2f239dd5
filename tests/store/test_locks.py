"""The run lock: a second holder is refused at once, and a killed holder frees it."""

from __future__ import annotations

import pytest

from store.locks import AlreadyRunning, run_lock
from tests.conftest import hold_run_lock, kill


def test_second_holder_is_refused_and_a_killed_holder_frees_the_lock(database_url):
    holder = hold_run_lock(database_url)
    try:
        with pytest.raises(AlreadyRunning), run_lock(database_url):
            pass
    finally:
        kill(holder)
    with run_lock(database_url):
        pass
