from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "fonds.workflow"
    verbose_name = "Uploads and versions"
    default_auto_field = "django.db.models.BigAutoField"
