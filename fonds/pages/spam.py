"""Keeping automated messages out of the reference-request form.

Four layers, none of which needs JavaScript or a third party: Django's CSRF check;
a honeypot field people never see; a signed timestamp that turns back forms sent
faster than a person can fill them in; and a rate limit per client, counted in the
database (stored requests plus turned-away attempts) so that it holds across
processes on SQLite and PostgreSQL alike.

Clients are known only by a keyed hash of their network address (an IPv6 address
by its /64 network, which one subscriber usually holds whole).
"""

from __future__ import annotations

import enum
import ipaddress
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac

from .models import BlockedSubmission, ReferenceRequest

HONEYPOT_FIELD = "homepage"
TOKEN_FIELD = "started"  # noqa: S105 - a form field's name, not a secret
TOKEN_SALT = "fonds.pages.reference-request.started"  # noqa: S105 - a namespace, not a secret
TOKEN_MAX_AGE = 2 * 24 * 3600  # a form left open for two days is sent again
BLOCKED_RETENTION = timedelta(days=7)


class Token(enum.Enum):
    OK = "ok"
    TOO_FAST = "too_fast"
    EXPIRED = "expired"
    FORGED = "forged"


def client_ip(request: HttpRequest) -> str:
    """The client's address: the peer's, or the one the trusted proxies saw."""
    address = str(request.META.get("REMOTE_ADDR", ""))
    hops = settings.FONDS_PROXY_COUNT
    if hops > 0:
        forwarded = [
            part.strip()
            for part in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")
            if part.strip()
        ]
        if len(forwarded) >= hops:
            address = forwarded[-hops]
    return address


def client_key(address: str) -> str:
    """The address as rate limits see it: IPv4 whole, IPv6 by its /64 network."""
    try:
        ip = ipaddress.ip_address(address.strip().strip("[]"))
    except ValueError:
        return address.strip() or "unknown"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


def client_hash(request: HttpRequest) -> str:
    """A keyed hash of the client, stored instead of the address itself."""
    key = client_key(client_ip(request))
    return salted_hmac("fonds.pages.client", key, algorithm="sha256").hexdigest()


def issue_token(at: float | None = None) -> str:
    """A signed note of when the form was handed out."""
    return signing.dumps({"t": time.time() if at is None else at}, salt=TOKEN_SALT)


def check_token(value: str, now: float | None = None) -> Token:
    now = time.time() if now is None else now
    try:
        issued = float(signing.loads(value, salt=TOKEN_SALT)["t"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return Token.FORGED
    age = now - issued
    if age < settings.FONDS_REFERENCE_MIN_SECONDS:
        return Token.TOO_FAST
    if age > TOKEN_MAX_AGE:
        return Token.EXPIRED
    return Token.OK


def retry_after(ip_hash: str, now: datetime | None = None) -> int | None:
    """Seconds until this client may send again, or None when it may send now."""
    limit = settings.FONDS_REFERENCE_RATE_LIMIT
    if limit <= 0:
        return None
    now = now or timezone.now()
    window = timedelta(seconds=settings.FONDS_REFERENCE_RATE_WINDOW)
    since = now - window
    times = sorted(
        [
            *ReferenceRequest.objects.filter(ip_hash=ip_hash, created_at__gte=since).values_list(
                "created_at", flat=True
            ),
            *BlockedSubmission.objects.filter(ip_hash=ip_hash, created_at__gte=since).values_list(
                "created_at", flat=True
            ),
        ]
    )
    if len(times) < limit:
        return None
    # The client may send again once enough of its sends have left the window.
    frees_at = times[len(times) - limit] + window
    return max(1, int((frees_at - now).total_seconds()) + 1)


def record_blocked(ip_hash: str, reason: BlockedSubmission.Reason) -> None:
    keep = max(BLOCKED_RETENTION, timedelta(seconds=settings.FONDS_REFERENCE_RATE_WINDOW))
    with transaction.atomic():
        BlockedSubmission.objects.filter(created_at__lt=timezone.now() - keep).delete()
        BlockedSubmission.objects.create(ip_hash=ip_hash, reason=reason)
