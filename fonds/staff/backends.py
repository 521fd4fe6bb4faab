"""Django's own authentication, with a limit on failed sign-ins.

After ``FONDS_SIGNIN_ATTEMPTS`` failures for one user name, or from one address,
within ``FONDS_SIGNIN_WINDOW`` seconds, sign-ins are refused (the right password
too) until the window has passed. Failures are read from the sign-in log.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from fonds.pages.spam import client_ip

from .models import SignIn


def too_many_failures(username: str, ip: str | None) -> bool:
    limit = settings.FONDS_SIGNIN_ATTEMPTS
    if limit <= 0:
        return False
    since = timezone.now() - timedelta(seconds=settings.FONDS_SIGNIN_WINDOW)
    who = Q(username=username) | Q(ip=ip) if ip else Q(username=username)
    failures = SignIn.objects.filter(who, outcome=SignIn.FAILED, at__gte=since)
    return failures.count() >= limit


class LimitedModelBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        refuse = request is not None and username is not None
        if refuse and too_many_failures(str(username), client_ip(request) or None):  # type: ignore[arg-type]
            request.fonds_signin_refused = True  # type: ignore[union-attr]
            raise PermissionDenied("too many failed sign-ins")
        return super().authenticate(request, username=username, password=password, **kwargs)
