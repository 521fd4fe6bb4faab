from django.urls import path

from . import views

app_name = "timeline"
urlpatterns = [
    path("", views.timeline, name="timeline"),
    path("timeline.json", views.export_timelinejs, name="timelinejs"),
    path("timeline.yaml", views.export_yaml, name="yaml"),
    path("timeline.csv", views.export_csv, name="csv"),
    path("<slug:identifier>/", views.event_detail, name="event"),
]
