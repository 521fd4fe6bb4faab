"""The OAI-PMH 2.0 protocol itself: verbs, arguments, errors, dates.

Nothing here reads the database: a request's arguments are checked against the
verb's rules and turned into a :class:`Query`, or an :class:`OAIError` names what is
wrong with them, with the error code the protocol prescribes.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass

OAI_NS = "http://www.openarchives.org/OAI/2.0/"
OAI_SCHEMA = "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
GRANULARITY = "YYYY-MM-DDThh:mm:ssZ"
PROTOCOL_VERSION = "2.0"

# The error codes of OAI-PMH 2.0, section 3.6.
BAD_ARGUMENT = "badArgument"
BAD_RESUMPTION_TOKEN = "badResumptionToken"  # noqa: S105 - an error code, not a secret
BAD_VERB = "badVerb"
CANNOT_DISSEMINATE_FORMAT = "cannotDisseminateFormat"
ID_DOES_NOT_EXIST = "idDoesNotExist"
NO_RECORDS_MATCH = "noRecordsMatch"
NO_METADATA_FORMATS = "noMetadataFormats"
NO_SET_HIERARCHY = "noSetHierarchy"
ERROR_CODES = frozenset(
    {
        BAD_ARGUMENT,
        BAD_RESUMPTION_TOKEN,
        BAD_VERB,
        CANNOT_DISSEMINATE_FORMAT,
        ID_DOES_NOT_EXIST,
        NO_RECORDS_MATCH,
        NO_METADATA_FORMATS,
        NO_SET_HIERARCHY,
    }
)

# The patterns of the OAI-PMH schema for the values a request may carry.
METADATA_PREFIX = re.compile(r"^[A-Za-z0-9\-_.!~*'()]+$")
SET_SPEC = re.compile(r"^[A-Za-z0-9\-_.!~*'()]+(:[A-Za-z0-9\-_.!~*'()]+)*$")
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
SECOND = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


@dataclass(frozen=True)
class Verb:
    required: frozenset[str] = frozenset()
    optional: frozenset[str] = frozenset()
    exclusive: str | None = None  # an argument that must come alone (resumptionToken)


LIST_ARGUMENTS = Verb(
    required=frozenset({"metadataPrefix"}),
    optional=frozenset({"from", "until", "set"}),
    exclusive="resumptionToken",
)
VERBS: dict[str, Verb] = {
    "Identify": Verb(),
    "ListMetadataFormats": Verb(optional=frozenset({"identifier"})),
    "ListSets": Verb(exclusive="resumptionToken"),
    "ListIdentifiers": LIST_ARGUMENTS,
    "ListRecords": LIST_ARGUMENTS,
    "GetRecord": Verb(required=frozenset({"identifier", "metadataPrefix"})),
}


class OAIError(Exception):
    """An OAI-PMH error condition: a code of :data:`ERROR_CODES` and a sentence."""

    def __init__(self, code: str, message: str) -> None:
        assert code in ERROR_CODES, code
        super().__init__(message)
        self.code = code
        self.message = message

    @property
    def echoes_arguments(self) -> bool:
        """badVerb and badArgument answer with the base URL alone, no attributes."""
        return self.code not in (BAD_VERB, BAD_ARGUMENT)


@dataclass(frozen=True)
class Window:
    """The datestamps a harvest asks for: ``start <= datestamp < end`` (either open)."""

    start: datetime.datetime | None = None
    end: datetime.datetime | None = None

    def holds(self, stamp: datetime.datetime) -> bool:
        return (self.start is None or stamp >= self.start) and (
            self.end is None or stamp < self.end
        )


@dataclass(frozen=True)
class Request:
    """A request whose arguments obey its verb's rules."""

    verb: str
    arguments: dict[str, str]  # without the verb

    def get(self, name: str) -> str | None:
        return self.arguments.get(name)


def check_arguments(pairs: Iterable[tuple[str, list[str]]]) -> Request:
    """The request, or the badVerb or badArgument error its arguments deserve."""
    given = {name: values for name, values in pairs}
    verbs = given.pop("verb", [])
    if len(verbs) != 1:
        raise OAIError(
            BAD_VERB, "The verb argument is repeated." if verbs else "The verb argument is missing."
        )
    verb = verbs[0]
    if verb not in VERBS:
        raise OAIError(BAD_VERB, f"{verb!r} is not an OAI-PMH verb.")
    rules = VERBS[verb]
    repeated = sorted(name for name, values in given.items() if len(values) > 1)
    if repeated:
        raise OAIError(BAD_ARGUMENT, f"Repeated argument: {', '.join(repeated)}.")
    arguments = {name: values[0] for name, values in given.items()}
    allowed = rules.required | rules.optional | ({rules.exclusive} if rules.exclusive else set())
    unknown = sorted(set(arguments) - allowed)
    if unknown:
        raise OAIError(BAD_ARGUMENT, f"Illegal argument for {verb}: {', '.join(unknown)}.")
    empty = sorted(name for name, value in arguments.items() if not value.strip())
    if empty:
        raise OAIError(BAD_ARGUMENT, f"Empty argument: {', '.join(empty)}.")
    if rules.exclusive and rules.exclusive in arguments:
        if len(arguments) > 1:
            raise OAIError(
                BAD_ARGUMENT, f"The {rules.exclusive} argument is exclusive: it comes alone."
            )
        return Request(verb, arguments)
    missing = sorted(rules.required - set(arguments))
    if missing:
        raise OAIError(BAD_ARGUMENT, f"Missing argument for {verb}: {', '.join(missing)}.")
    prefix = arguments.get("metadataPrefix")
    if prefix is not None and not METADATA_PREFIX.match(prefix):
        raise OAIError(BAD_ARGUMENT, f"{prefix!r} is not a metadataPrefix.")
    set_spec = arguments.get("set")
    if set_spec is not None and not SET_SPEC.match(set_spec):
        raise OAIError(BAD_ARGUMENT, f"{set_spec!r} is not a setSpec.")
    window(arguments.get("from"), arguments.get("until"))  # raises on bad dates
    return Request(verb, arguments)


def parse_utc(value: str, name: str) -> tuple[datetime.datetime, bool]:
    """A from or until value as a UTC datetime, and whether it was a day."""
    try:
        if DAY.match(value):
            day = datetime.datetime.strptime(value, "%Y-%m-%d")
            return day.replace(tzinfo=datetime.UTC), True
        if SECOND.match(value):
            moment = datetime.datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ")
            return moment.replace(tzinfo=datetime.UTC), False
    except ValueError:
        pass
    raise OAIError(
        BAD_ARGUMENT,
        f"The {name} argument {value!r} is not a date in the form YYYY-MM-DD "
        "or YYYY-MM-DDThh:mm:ssZ.",
    )


def window(start: str | None, end: str | None) -> Window:
    """The datestamps between from and until, both inclusive at their granularity."""
    lower = parse_utc(start, "from") if start else None
    upper = parse_utc(end, "until") if end else None
    if lower and upper:
        if lower[1] != upper[1]:
            raise OAIError(BAD_ARGUMENT, "The from and until arguments differ in granularity.")
        if lower[0] > upper[0]:
            raise OAIError(BAD_ARGUMENT, "The from argument is later than the until argument.")
    stop = None
    if upper:
        step = datetime.timedelta(days=1) if upper[1] else datetime.timedelta(seconds=1)
        try:
            stop = upper[0] + step
        except OverflowError:
            stop = None  # until the end of 9999: no upper bound
    return Window(lower[0] if lower else None, stop)


def datestamp(value: datetime.datetime) -> str:
    """A datestamp at the repository's granularity: 2026-11-24T11:34:16Z."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.UTC)
    return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def to_second(value: datetime.datetime) -> datetime.datetime:
    """A moment without its fraction of a second, in UTC: what a datestamp says."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.UTC)
    return value.astimezone(datetime.UTC).replace(microsecond=0)
