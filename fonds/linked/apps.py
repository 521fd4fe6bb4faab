from django.apps import AppConfig


class LinkedConfig(AppConfig):
    name = "fonds.linked"
    label = "linked"
    verbose_name = "Linked data"
