from django.urls import path

from . import views

app_name = "findingaids"
urlpatterns = [
    path("", views.collection_list, name="collections"),
    path("<str:identifier>/", views.collection_detail, name="collection"),
    path("<str:identifier>/<str:ref>/", views.component_detail, name="component"),
]
