"""Loaded by the Celery worker that tests/test_faults.py starts (``celery worker -I tests.fault_hooks``): with
QUALIPREF_TEST_SLOW_IMPORT set, the correspondence import pauses that many seconds at each progress step (every
2,000 rows), so that the test can kill the worker in the middle of the task. The import itself runs whole."""

import os
import time

DELAY = float(os.environ.get("QUALIPREF_TEST_SLOW_IMPORT") or 0)

if DELAY:
    from complaints.correspondence import imports

    _set = imports._set

    def _slow_set(batch, **fields):
        _set(batch, **fields)
        if "status" not in fields:  # a progress step
            time.sleep(DELAY)

    imports._set = _slow_set
