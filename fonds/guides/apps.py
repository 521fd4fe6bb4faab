from django.apps import AppConfig


class GuidesConfig(AppConfig):
    name = "fonds.guides"
    label = "guides"
    verbose_name = "Research guides"
    default_auto_field = "django.db.models.BigAutoField"
