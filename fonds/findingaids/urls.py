from django.urls import path

from . import downloads, views

app_name = "findingaids"
urlpatterns = [
    path("", views.collection_list, name="collections"),
    path("<str:identifier>/", views.collection_detail, name="collection"),
    path("<str:identifier>/ead.xml", downloads.ead, name="ead"),
    path("<str:identifier>/print/", downloads.printable, name="print"),
    path("<str:identifier>/finding-aid.pdf", downloads.pdf, name="pdf"),
    path("<str:identifier>/<str:ref>/", views.component_detail, name="component"),
    path("<str:identifier>/<str:ref>/children/", views.component_children, name="children"),
]
