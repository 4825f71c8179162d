"""Errors of the sensor services; every adapter turns them into its own error body."""


class SensorError(Exception):
    """A rejected request: HTTP-like status, a message naming entity and reason, the field."""

    def __init__(self, status: int, message: str, field: str | None = None, **extra):
        super().__init__(message)
        self.status = status
        self.message = message
        self.field = field
        self.extra = extra

    def body(self) -> dict:
        body = {"code": self.status, "type": "error", "message": self.message}
        if self.field:
            body["field"] = self.field
        body.update(self.extra)
        return body


def bad_request(message: str, field: str | None = None, **extra) -> SensorError:
    return SensorError(400, message, field, **extra)


def not_found(message: str, field: str | None = None) -> SensorError:
    return SensorError(404, message, field)
