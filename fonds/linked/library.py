"""Make ``{% load linked %}`` work before ``fonds.linked`` is an installed app.

Django finds tag libraries in the installed apps' ``templatetags`` packages. Until
``"fonds.linked"`` is in ``INSTALLED_APPS``, :func:`ensure_template_library` adds the
library to each Django template engine by hand. ``fonds.linked.urls`` calls it (the
URLconf is loaded before any view renders a page), and so does a receiver of
``setting_changed``: Django builds new engines when ``DEBUG``, ``TEMPLATES`` or
``INSTALLED_APPS`` change (``override_settings``, as the static site export and the
tests use it), and the new ones must have the library too. Once the app is installed
all this finds the library already there and does nothing.
"""

from __future__ import annotations

from typing import Any

# Django's own receivers first: they throw the engines away, ours then adds to the new
import django.test.signals  # noqa: F401
from django.core.signals import setting_changed
from django.template import engines
from django.template.backends.django import DjangoTemplates
from django.template.library import import_library

NAME = "linked"
MODULE = "fonds.linked.templatetags.linked"
ENGINE_SETTINGS = frozenset({"DEBUG", "TEMPLATES", "INSTALLED_APPS"})


def ensure_template_library() -> None:
    for engine in engines.all():
        if isinstance(engine, DjangoTemplates):
            libraries = engine.engine.template_libraries
            if NAME not in libraries:
                libraries[NAME] = import_library(MODULE)


def _engines_rebuilt(*, setting: str, **kwargs: Any) -> None:
    if setting in ENGINE_SETTINGS:
        ensure_template_library()


setting_changed.connect(_engines_rebuilt, dispatch_uid="fonds.linked.library")
