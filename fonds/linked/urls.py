from django.urls import path

from . import views
from .library import ensure_template_library

app_name = "linked"
urlpatterns = [
    path("sitemap.xml", views.sitemap_index, name="sitemap"),
    path("sitemaps/<str:name>.xml", views.sitemap_page, name="sitemap-page"),
    path("robots.txt", views.robots_txt, name="robots"),
]

# {% load linked %} in the page templates, until fonds.linked is an installed app
ensure_template_library()
