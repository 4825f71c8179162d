"""Participation logic, used alike by web pages, the API, the admin and jobs."""


class Refused(Exception):
    """An action that is not allowed (permission, limit, state); ``status`` for HTTP."""

    def __init__(self, code: str, message: str, status: int = 403):
        super().__init__(message)
        self.code = code
        self.message = str(message)
        self.status = status
