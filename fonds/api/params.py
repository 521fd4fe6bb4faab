"""Query parameters, declared once per view.

A view lists the parameters it accepts (``@endpoint(LIMIT, CURSOR, Year("from"))``);
the request's query string is parsed against that list before the view runs, and a
value that does not fit is a 400 in the error shape naming the parameter. A view can
only read what it declared, so the declarations are the whole truth of what it
accepts: ``tests/api/test_openapi.py`` holds them against the OpenAPI description.

Parameters the view does not declare are ignored, as most HTTP APIs do. An empty
number or choice is invalid (``?from=`` is not a year); an empty text is "no filter".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

_INTEGER = re.compile(r"-?[0-9]{1,10}")


class BadParameter(ValueError):
    """A value that does not fit its parameter; becomes a 400."""


class ParameterSource(Protocol):
    def getlist(self, key: str, default: Any = ...) -> list[Any]: ...


def _no_nul(name: str, value: str) -> str:
    if "\x00" in value:
        raise BadParameter(f"{name} must not contain NUL characters")
    return value


@dataclass(frozen=True)
class Param:
    """A query parameter: its name and how its text becomes a value."""

    name: str
    repeatable: bool = False

    def parse(self, values: Sequence[str]) -> Any:
        raise NotImplementedError


@dataclass(frozen=True)
class Text(Param):
    default: str = ""
    max_length: int = 5000

    def parse(self, values: Sequence[str]) -> str:
        if not values:
            return self.default
        value = _no_nul(self.name, values[-1])
        if len(value) > self.max_length:
            raise BadParameter(f"{self.name} is longer than {self.max_length} characters")
        return value


@dataclass(frozen=True)
class Integer(Param):
    minimum: int = 0
    maximum: int = 2**31 - 1
    default: int | None = None

    def parse(self, values: Sequence[str]) -> int | None:
        if not values:
            return self.default
        text = values[-1]
        if not _INTEGER.fullmatch(text):
            raise BadParameter(f"{self.name} must be a whole number, not {text[:40]!r}")
        number = int(text)
        if not self.minimum <= number <= self.maximum:
            raise BadParameter(
                f"{self.name} must be between {self.minimum} and {self.maximum}, not {number}"
            )
        return number


@dataclass(frozen=True)
class Choice(Param):
    choices: tuple[str, ...] = ()
    default: str = ""

    def parse(self, values: Sequence[str]) -> str:
        if not values:
            return self.default
        value = values[-1]
        if value not in self.choices:
            raise BadParameter(
                f"{self.name} must be one of {', '.join(self.choices)}, not {value[:40]!r}"
            )
        return value


@dataclass(frozen=True)
class Repeated(Param):
    """A parameter that may be given several times (``?person=a&person=b``)."""

    repeatable: bool = True
    max_values: int = 20

    def parse(self, values: Sequence[str]) -> list[str]:
        if len(values) > self.max_values:
            raise BadParameter(f"{self.name} may be given at most {self.max_values} times")
        return [_no_nul(self.name, v) for v in values]


@dataclass
class Query:
    """The parsed values of the parameters a view declared."""

    values: dict[str, Any] = field(default_factory=dict)
    raw: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def parse(cls, source: ParameterSource, params: Iterable[Param]) -> Query:
        """Raises :class:`BadParameter` for the first value that does not fit."""
        query = cls()
        for param in params:
            given = [str(v) for v in source.getlist(param.name, [])]
            query.values[param.name] = param.parse(given)
            if given:
                query.raw[param.name] = given
        return query

    def _get(self, name: str) -> Any:
        try:
            return self.values[name]
        except KeyError:
            raise LookupError(f"the view did not declare the parameter {name!r}") from None

    def text(self, name: str) -> str:
        value = self._get(name)
        assert isinstance(value, str)
        return value

    def integer(self, name: str) -> int | None:
        value = self._get(name)
        assert value is None or isinstance(value, int)
        return value

    def required_integer(self, name: str) -> int:
        value = self.integer(name)
        assert value is not None, f"{name} has no default"
        return value

    def values_of(self, name: str) -> list[str]:
        value = self._get(name)
        assert isinstance(value, list)
        return value

    def given(self, *, leave_out: Iterable[str] = ()) -> list[tuple[str, str]]:
        """The declared parameters as the request gave them, for links to other pages."""
        skip = set(leave_out)
        return [(k, v) for k, values in self.raw.items() if k not in skip for v in values]

    def fingerprint(self, *, leave_out: Iterable[str]) -> Mapping[str, list[str]]:
        """What selects the records (not how many, not where): a cursor is valid only
        for the same selection."""
        skip = set(leave_out)
        return {k: self.raw[k] for k in sorted(self.raw) if k not in skip}


# -- the parameters several views share ----------------------------------------------

MAX_LIMIT = 100
DEFAULT_LIMIT = 20
LIMIT = Integer("limit", minimum=1, maximum=MAX_LIMIT, default=DEFAULT_LIMIT)
CURSOR = Text("cursor", max_length=2000)
PAGING = (LIMIT, CURSOR)


def year(name: str) -> Integer:
    return Integer(name, minimum=-9999, maximum=9999)
