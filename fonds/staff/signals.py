"""Receivers: the roles after every migrate; the sign-in log."""

from __future__ import annotations

import ipaddress
from typing import Any

from django.apps import apps as global_apps
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_migrate
from django.dispatch import receiver
from django.http import HttpRequest

from fonds.pages.spam import client_ip

from .models import SignIn
from .roles import setup_roles


@receiver(post_migrate, dispatch_uid="fonds.staff.roles")
def create_roles(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """After the last app has migrated: every permission exists, the groups get theirs."""
    configs = [c for c in global_apps.get_app_configs() if c.models_module is not None]
    if sender is not configs[-1]:
        return
    from django.contrib.auth.management import create_permissions
    from django.contrib.contenttypes.management import create_contenttypes

    for config in configs:
        create_contenttypes(config, verbosity=0, using=using)
        create_permissions(config, verbosity=0, using=using)
    setup_roles()


def _where(request: HttpRequest | None) -> dict[str, Any]:
    if request is None:
        return {}
    try:
        ip: str | None = str(ipaddress.ip_address(client_ip(request)))
    except ValueError:
        ip = None
    return {"ip": ip, "user_agent": str(request.META.get("HTTP_USER_AGENT", ""))[:300]}


@receiver(user_logged_in, dispatch_uid="fonds.staff.signed_in")
def signed_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    SignIn.objects.create(
        outcome=SignIn.SUCCEEDED, username=user.get_username(), user=user, **_where(request)
    )


@receiver(user_login_failed, dispatch_uid="fonds.staff.sign_in_failed")
def sign_in_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    refused = bool(request is not None and getattr(request, "fonds_signin_refused", False))
    SignIn.objects.create(
        outcome=SignIn.REFUSED if refused else SignIn.FAILED,
        username=str(credentials.get("username", ""))[:150],
        **_where(request),
    )


@receiver(user_logged_out, dispatch_uid="fonds.staff.signed_out")
def signed_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is None:
        return
    SignIn.objects.create(
        outcome=SignIn.SIGNED_OUT, username=user.get_username(), user=user, **_where(request)
    )
