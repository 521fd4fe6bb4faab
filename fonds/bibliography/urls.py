from django.urls import path

from . import views

app_name = "bibliography"
urlpatterns = [
    path("", views.bibliography, name="bibliography"),
    path("bibliography.json", views.export, {"kind": "json"}, name="csl"),
    path("bibliography.bib", views.export, {"kind": "bib"}, name="bibtex"),
    path("bibliography.ris", views.export, {"kind": "ris"}, name="ris"),
    path("<slug:identifier>/", views.work_detail, name="work"),
]
