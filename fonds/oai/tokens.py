"""Resumption tokens: stateless, signed and opaque.

A token carries everything needed to go on: the verb, the original arguments, the
key of the last item sent (a keyset cursor, so items added or removed meanwhile
neither repeat nor skip others) and how many items were sent before. It is signed
with the site's secret key (``django.core.signing``) and carries the time it was
made: a token that was changed, or is older than :data:`LIFETIME`, is refused with
badResumptionToken. Nothing is kept on the server.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core import signing

from .protocol import BAD_RESUMPTION_TOKEN, OAIError

SALT = "fonds.oai.resumption"
LIFETIME = datetime.timedelta(hours=24)


@dataclass(frozen=True)
class Resumption:
    verb: str
    arguments: dict[str, str] = field(default_factory=dict)  # metadataPrefix, from, until, set
    after: tuple[str, str] = ("", "")  # (record type or set group, identifier) of the last item
    cursor: int = 0  # items sent before the page this token asks for


def issue(resumption: Resumption) -> str:
    payload = {
        "v": resumption.verb,
        "a": resumption.arguments,
        "k": list(resumption.after),
        "c": resumption.cursor,
    }
    return signing.dumps(payload, salt=SALT, compress=True)


def expiration(now: datetime.datetime) -> datetime.datetime:
    return now + LIFETIME


def redeem(token: str, verb: str) -> Resumption:
    """The resumption a token carries, or badResumptionToken."""
    try:
        payload: Any = signing.loads(token, salt=SALT, max_age=LIFETIME)
    except signing.SignatureExpired:
        raise OAIError(BAD_RESUMPTION_TOKEN, "The resumptionToken has expired.") from None
    except signing.BadSignature:
        raise OAIError(BAD_RESUMPTION_TOKEN, "The resumptionToken is not valid.") from None
    try:
        arguments = {str(k): str(v) for k, v in dict(payload["a"]).items()}
        kind, identifier = (str(part) for part in payload["k"])
        resumption = Resumption(str(payload["v"]), arguments, (kind, identifier), int(payload["c"]))
    except (KeyError, TypeError, ValueError, AttributeError):
        raise OAIError(BAD_RESUMPTION_TOKEN, "The resumptionToken is not valid.") from None
    if resumption.verb != verb:
        raise OAIError(
            BAD_RESUMPTION_TOKEN, f"The resumptionToken belongs to {resumption.verb}, not {verb}."
        )
    return resumption
