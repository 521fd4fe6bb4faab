from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("fonds.pages.urls")),
    path("collections/", include("fonds.findingaids.urls")),
    path("search", include("fonds.search.urls")),
    path("admin/", admin.site.urls),
]
