"""Logging helpers (settings.LOGGING)."""

import logging


class OneLineForbidden(logging.Filter):
    """A refusal (403) is an expected answer, not a fault: Django logs it with the traceback of the PermissionDenied
    raised by the view; it is written as one line, with the French reason of the refusal when there is one."""

    def filter(self, record):
        if getattr(record, "status_code", None) == 403 and record.exc_info:
            reason = str(record.exc_info[1] or "")
            record.exc_info = record.exc_text = None
            if reason:
                record.msg = f"{record.msg} – %s"
                record.args = (*(record.args or ()), reason)
        return True
