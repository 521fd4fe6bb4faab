"""/api/: version 1 of the JSON API, and a JSON 404 for every other path under it."""

from django.urls import URLPattern, path, re_path

from . import guides, search, views
from .http import not_found

app_name = "api"
urlpatterns: list[URLPattern] = [
    path("", views.to_index),
    path("v1", views.to_index),
    path("v1/", views.index, name="index"),
    path("v1/openapi.json", views.openapi_description, name="openapi"),
    path("v1/collections", views.collection_list, name="collections"),
    path("v1/collections/<str:identifier>", views.collection_detail, name="collection"),
    path("v1/collections/<str:identifier>/components", views.component_list, name="components"),
    path(
        "v1/collections/<str:identifier>/components/<str:ref>",
        views.component_detail,
        name="component",
    ),
    path(
        "v1/collections/<str:identifier>/components/<str:ref>/children",
        views.component_children,
        name="children",
    ),
    path("v1/agents", views.agent_list, name="agents"),
    path("v1/agents/<str:identifier>", views.agent_detail, name="agent"),
    path("v1/events", views.event_list, name="events"),
    path("v1/events/<str:identifier>", views.event_detail, name="event"),
    path("v1/works", views.work_list, name="works"),
    path("v1/works/<str:identifier>", views.work_detail, name="work"),
    path("v1/guides", guides.guide_list, name="guides"),
    path("v1/guides/<str:slug>", guides.guide_detail, name="guide"),
    path("v1/search", search.search_view, name="search"),
    path("v1/exports", views.export_list, name="exports"),
    path("v1/exports/<str:name>", views.export_download, name="export"),
    # anything else under /api/, newlines included: a 404 in the API's error shape
    re_path(r"^[\s\S]*$", not_found),
]
