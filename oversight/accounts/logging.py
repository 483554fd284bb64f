"""Keep client addresses and user agents out of the application's logs."""

from __future__ import annotations

import logging
import re

_ADDRESS = re.compile(
    r"\b(?:\d{1,3}\.){3}\d{1,3}\b|\b[0-9a-fA-F]{0,4}(?::[0-9a-fA-F]{0,4}){2,7}\b"
)


class StripClientDetails(logging.Filter):
    """Drop the request object Django attaches to records and mask anything like an address."""

    def filter(self, record: logging.LogRecord) -> bool:
        if hasattr(record, "request"):
            record.request = None
        if isinstance(record.msg, str):
            record.msg = _ADDRESS.sub("[address]", record.msg)
        if record.args:
            record.args = tuple(
                _ADDRESS.sub("[address]", arg) if isinstance(arg, str) else arg
                for arg in (
                    record.args if isinstance(record.args, tuple) else (record.args,)
                )
            )
        return True
