from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "fonds.search"
    label = "search"
    verbose_name = "Search"
