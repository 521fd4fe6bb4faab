from django.apps import AppConfig


class AuthoritiesConfig(AppConfig):
    name = "fonds.authorities"
    label = "authorities"
    verbose_name = "Authorities (roster)"
