from django.apps import AppConfig


class BibliographyConfig(AppConfig):
    name = "fonds.bibliography"
    label = "bibliography"
    verbose_name = "Bibliography"
