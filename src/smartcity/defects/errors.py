"""The one error type of the defect services."""


class ReportInvalid(ValueError):
    """Bad input; ``errors`` maps each field to its messages."""

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__("; ".join(f"{field}: {' '.join(m)}" for field, m in errors.items()))
