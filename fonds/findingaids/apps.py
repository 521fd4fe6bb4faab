from django.apps import AppConfig


class FindingAidsConfig(AppConfig):
    name = "fonds.findingaids"
    label = "findingaids"
    verbose_name = "Finding aids"
