"""Logging filters (settings.LOGGING; imports no app).

- ``OneLineForbidden``: a refusal (403) is an expected answer, not a fault: Django logs it with the traceback of the
  PermissionDenied raised by the view; it is written as one line, with the French reason of the refusal.
- ``OncePerInterval``: django-redis logs every cache call that fails, with its traceback (``IGNORE_EXCEPTIONS``):
  measured with Redis stopped, about 200 log lines per request, which bury everything else an operator needs during
  the outage. Through this filter, one line per interval and per process says that the cache is away and how many
  failures were held back since the last line.
"""

import logging
import threading
import time


class OneLineForbidden(logging.Filter):
    def filter(self, record):
        if getattr(record, "status_code", None) == 403 and record.exc_info:
            reason = str(record.exc_info[1] or "")
            record.exc_info = record.exc_text = None
            if reason:
                record.msg = f"{record.msg} – %s"
                record.args = (*(record.args or ()), reason)
        return True


class OncePerInterval(logging.Filter):
    def __init__(self, seconds=60):
        super().__init__()
        self.seconds = seconds
        self._last = None
        self._held = 0
        self._lock = threading.Lock()

    def filter(self, record):
        now = time.monotonic()
        with self._lock:
            if self._last is not None and now - self._last < self.seconds:
                self._held += 1
                return False
            held, self._last, self._held = self._held, now, 0
        reason = record.exc_info[1] if record.exc_info else None
        message = record.getMessage() + (f" : {reason}" if reason else "")
        if held:
            message += f" ({held} autre(s) depuis le message précédent)"
        record.msg, record.args = message, None
        record.exc_info = record.exc_text = None  # the traceback says nothing the reason does not
        return True
