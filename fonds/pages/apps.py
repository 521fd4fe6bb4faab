from django.apps import AppConfig


class PagesConfig(AppConfig):
    name = "fonds.pages"
    label = "pages"
    verbose_name = "Pages"
