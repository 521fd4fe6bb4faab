from django.apps import AppConfig


class TimelineConfig(AppConfig):
    name = "fonds.timeline"
    label = "timeline"
    verbose_name = "Timeline"
