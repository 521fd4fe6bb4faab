from django.contrib import admin
from django.urls import include, path

from fonds.theme import theme_css

urlpatterns = [
    path("", include("fonds.pages.urls")),
    path("collections/", include("fonds.findingaids.urls")),
    path("search", include("fonds.search.urls")),
    path("roster/", include("fonds.authorities.urls")),
    path("timeline/", include("fonds.timeline.urls")),
    path("bibliography/", include("fonds.bibliography.urls")),
    path("guides/", include("fonds.guides.urls")),
    path("api/", include("fonds.api.urls")),
    path("oai", include("fonds.oai.urls")),
    path("", include("fonds.linked.urls")),
    path("admin/", admin.site.urls),
    path("theme.css", theme_css, name="theme"),
]

handler500 = "fonds.errors.server_error"
