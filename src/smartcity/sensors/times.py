"""ISO 8601 instants and intervals as the standard writes them (UTC, ``start/end``)."""

from datetime import UTC, datetime

from smartcity.sensors.errors import bad_request


def parse_instant(text, field: str) -> datetime:
    if not isinstance(text, str):
        raise bad_request(
            f"{field} must be an ISO 8601 time string, got {type(text).__name__}", field
        )
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise bad_request(f"{field} is not an ISO 8601 time: {text!r}", field) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def parse_interval(text, field: str) -> tuple[datetime, datetime | None]:
    """An instant gives (t, None); ``start/end`` gives both (start must not be after end)."""
    if isinstance(text, str) and "/" in text:
        start_text, _, end_text = text.partition("/")
        start = parse_instant(start_text, field)
        end = parse_instant(end_text, field)
        if end < start:
            raise bad_request(f"{field}: the interval ends before it starts", field)
        return start, end
    return parse_instant(text, field), None


def format_instant(value: datetime | None) -> str | None:
    if value is None:
        return None
    value = value.astimezone(UTC)
    if value.microsecond:
        return value.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def format_interval(start: datetime | None, end: datetime | None) -> str | None:
    if start is None:
        return None
    if end is None or end == start:
        return format_instant(start)
    return f"{format_instant(start)}/{format_instant(end)}"
