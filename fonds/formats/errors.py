"""The one error a reader raises: where the problem is and what it is."""

from __future__ import annotations


class FormatError(Exception):
    """A problem in an input file, located by file, line and column when known."""

    def __init__(
        self, path: str, cause: str, line: int | None = None, column: int | None = None
    ) -> None:
        super().__init__(cause)
        self.path = path
        self.cause = cause
        self.line = line
        self.column = column

    @property
    def where(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return where

    def __str__(self) -> str:
        return f"{self.where}: {self.cause}"

    def line_report(self) -> str:
        """One line in the compilers' style: ``file:line:column: error: cause``."""
        cause = " ".join(self.cause.split())  # a library's message may span lines
        return f"{self.where}: error: {cause}"


def column_of(path: str, line: int | None, needle: str) -> int | None:
    """Return the 1-based column where ``needle`` first occurs on ``line`` of a file.

    lxml tells the line of an element but not its column; errors found after parsing
    use this to point at the tag itself. Only called on the error path.
    """
    if line is None:
        return None
    try:
        with open(path, "rb") as handle:
            for number, raw in enumerate(handle, start=1):
                if number == line:
                    text = raw.decode("utf-8", errors="replace")
                    index = text.find(needle)
                    return index + 1 if index >= 0 else 1
    except OSError:
        return None
    return None
