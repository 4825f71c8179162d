"""Log formatting: JSON lines in production, readable text in development."""

from pythonjsonlogger.json import JsonFormatter


class SmartcityJsonFormatter(JsonFormatter):
    """One JSON object per line with time, level, logger, request id and message."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("fmt", "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s")
        kwargs.setdefault(
            "rename_fields", {"asctime": "time", "levelname": "level", "name": "logger"}
        )
        super().__init__(*args, **kwargs)
