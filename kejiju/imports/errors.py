from dataclasses import dataclass


class SheetError(Exception):
    """The whole file is refused (unreadable, wrong encoding, missing required column…)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class RowError:
    """One problem in one cell; ``row`` counts the header as row 1."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column}: {self.message}"

    @property
    def text_zh(self) -> str:
        return f"第 {self.row} 行，列「{self.column}」：{self.message}"

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


class RowErrors:
    """Errors of the row being read, collected by widgets and by the layout's checks."""

    def __init__(self, row: int):
        self.row = row
        self.items: list[RowError] = []
        # Required cells left blank: an error for a new record, kept values for an update.
        self.blank_required: list[str] = []

    def add(self, column: str, message: str) -> None:
        self.items.append(RowError(self.row, column, message))

    def __bool__(self) -> bool:
        return bool(self.items)

    def has(self, column: str) -> bool:
        return any(e.column == column for e in self.items)
