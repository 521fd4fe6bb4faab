"""The three staff roles, and what "published" means for each kind of record.

==============  ==================================================================
Administrator   everything, the user accounts and the sign-in log included
Archivist       adds, changes, publishes and deletes every record; loads files;
                compares and restores finding-aid versions (never deletes them)
Contributor     adds records and changes them while they are drafts; never
                publishes, never changes a published record, never deletes
==============  ==================================================================

Roles are Django groups, created (and brought up to date) after every ``migrate``.
Publishing is a permission of its own, ``<app>.publish_<model>``, on each kind of
record that can be published.

Records say whether they are published in different ways: a ``published`` boolean
(agents, events, works, pages, guides), a ``status`` with an ``embargo_until`` date
(collections and components, once publishing lands), or nothing but the loaded
``internal`` flag. :func:`is_published` and :func:`is_public` read whichever the
record has, so the checks here keep working as fields are added.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.apps import apps as global_apps
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

ADMINISTRATOR, ARCHIVIST, CONTRIBUTOR = "Administrator", "Archivist", "Contributor"
ROLES = (ADMINISTRATOR, ARCHIVIST, CONTRIBUTOR)

# Records that can be published: each gets a ``publish_<model>`` permission.
PUBLISHABLE = (
    "findingaids.collection",
    "findingaids.component",
    "authorities.agent",
    "timeline.event",
    "bibliography.work",
    "pages.page",
    "guides.guide",
)
# What a contributor may add, change and view (never delete).
CONTRIBUTOR_EDITS = (
    "authorities.agent",
    "authorities.agentname",
    "authorities.agentrelation",
    "timeline.event",
    "timeline.eventcomponent",
    "bibliography.work",
    "pages.page",
    "guides.guide",
    "guides.guideentry",
    "staff.archivistnote",
)
# What a contributor may look at, to link records together.
CONTRIBUTOR_VIEWS = (
    "findingaids.collection",
    "findingaids.component",
    "findingaids.accessterm",
    "findingaids.digitalobject",
    "authorities.namematch",
    "authorities.appearance",
)
# Apps only an administrator touches; and the sign-in log, theirs alone too.
ADMINISTRATOR_APPS = frozenset({"auth", "contenttypes", "sessions", "admin"})
ADMINISTRATOR_MODELS = frozenset({"staff.signin"})
# Single permissions kept for administrators: the finding aids' versions are their
# history, which an archivist uses (compare, restore) but never throws away.
ADMINISTRATOR_PERMISSIONS = frozenset({"workflow.delete_findingaidversion"})

# Field names that decide whether a record is public: no contributor may set them.
PUBLICATION_FIELDS = (
    "published",
    "status",
    "publication_status",
    "embargo_until",
    "published_at",
    "publish_at",
)
_PUBLISHED_STATES = frozenset({"published", "public", "live"})
_DRAFT_STATES = ("draft", "unpublished", "review", "hidden")


def _field_names(obj: Any) -> set[str]:
    return {f.name for f in obj._meta.concrete_fields}


def _status(obj: Any) -> str | None:
    names = _field_names(obj)
    for name in ("status", "publication_status"):
        if name in names:
            value = getattr(obj, name, None)
            return str(value or "").lower()
    return None


def is_published(obj: Any) -> bool:
    """Whether an archivist has released the record (embargoed or not yet public too).

    This is what contributors may not touch."""
    status = _status(obj)
    if status is not None:
        return status in _PUBLISHED_STATES
    names = _field_names(obj)
    if "published" in names:
        return bool(obj.published)
    if "internal" in names:  # a loaded finding aid: public unless marked internal
        return not obj.internal
    return False


def _embargoed(obj: Any, today: datetime.date | None = None) -> bool:
    if "embargo_until" not in _field_names(obj):
        return False
    until = obj.embargo_until
    if until is None:
        return False
    if isinstance(until, datetime.datetime):
        return bool(until > timezone.now())
    return bool(until > (today or timezone.localdate()))


def is_public(obj: Any) -> bool:
    """Whether the public may see the record today: published, not internal, not embargoed."""
    if obj is None or getattr(obj, "internal", False):
        return False
    if isinstance(getattr(type(obj), "is_public", None), property):
        return bool(obj.is_public)  # the model knows best (a component asks its tree)
    return is_published(obj) and not _embargoed(obj)


def mark_unpublished(obj: Any) -> None:
    """Make an unsaved record a draft, whichever way its model says so."""
    names = _field_names(obj)
    for name in ("status", "publication_status"):
        if name in names:
            field = obj._meta.get_field(name)
            choices = [str(value) for value, _ in (field.choices or [])]
            draft = next((s for s in _DRAFT_STATES if s in choices), None)
            if draft is None:
                draft = next((c for c in choices if c.lower() not in _PUBLISHED_STATES), "draft")
            setattr(obj, name, draft)
            return
    if "published" in names:
        obj.published = False


def mark_published(obj: Any) -> None:
    names = _field_names(obj)
    for name in ("status", "publication_status"):
        if name in names:
            field = obj._meta.get_field(name)
            choices = [str(value) for value, _ in (field.choices or [])]
            setattr(obj, name, next((c for c in choices if c in _PUBLISHED_STATES), "published"))
            return
    if "published" in names:
        obj.published = True


def publication_fields(model: type[models.Model]) -> list[str]:
    names = {f.name for f in model._meta.concrete_fields}
    return [name for name in PUBLICATION_FIELDS if name in names]


def publish_permission(model: type[models.Model] | models.Model) -> str:
    opts = model._meta
    return f"{opts.app_label}.publish_{opts.model_name}"


def can_publish(user: AbstractBaseUser | AnonymousUser, model: Any) -> bool:
    return bool(user.is_active and user.has_perm(publish_permission(model)))  # type: ignore[attr-defined]


# -- the groups


def _label(permission: Permission) -> str:
    return f"{permission.content_type.app_label}.{permission.content_type.model}"


def ensure_publish_permissions() -> None:
    for label in PUBLISHABLE:
        try:
            model = global_apps.get_model(label)
        except LookupError:
            continue
        content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
        Permission.objects.get_or_create(
            content_type=content_type,
            codename=f"publish_{model._meta.model_name}",
            defaults={"name": f"Can publish {model._meta.verbose_name}"},
        )


def setup_roles() -> dict[str, Group]:
    """Create the three groups, or bring their permissions up to date."""
    ensure_publish_permissions()
    everything = list(Permission.objects.select_related("content_type"))
    archivist = [
        p
        for p in everything
        if p.content_type.app_label not in ADMINISTRATOR_APPS
        and _label(p) not in ADMINISTRATOR_MODELS
        and f"{p.content_type.app_label}.{p.codename}" not in ADMINISTRATOR_PERMISSIONS
    ]
    contributor = [
        p
        for p in everything
        if (
            _label(p) in CONTRIBUTOR_EDITS
            and p.codename.split("_", 1)[0] in ("add", "change", "view")
        )
        or (_label(p) in CONTRIBUTOR_VIEWS and p.codename.startswith("view_"))
    ]
    groups = {}
    for name, permissions in (
        (ADMINISTRATOR, everything),
        (ARCHIVIST, archivist),
        (CONTRIBUTOR, contributor),
    ):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(permissions)
        groups[name] = group
    return groups


def give_role(user: Any, role: str) -> None:
    """Make ``user`` staff in ``role`` (and in no other role)."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}: expected one of {', '.join(ROLES)}")
    groups = setup_roles() if not Group.objects.filter(name=role).exists() else None
    group = groups[role] if groups else Group.objects.get(name=role)
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.groups.remove(*Group.objects.filter(name__in=ROLES).exclude(pk=group.pk))
    user.groups.add(group)
