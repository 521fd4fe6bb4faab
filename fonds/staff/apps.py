from django.apps import AppConfig


class StaffConfig(AppConfig):
    """The people who work in the admin: roles, the sign-in log, the history of changes."""

    name = "fonds.staff"
    label = "staff"
    verbose_name = "staff and history"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import signals  # noqa: F401 - connects the receivers
