from django.urls import path

from . import views

app_name = "authorities"
urlpatterns = [
    path("", views.roster_list, name="roster"),
    path("graph/", views.roster_graph, name="graph"),
    path("print/", views.roster_print, name="print"),
    path("roster.csv", views.roster_csv, name="csv"),
    path("<slug:identifier>/", views.agent_detail, name="agent"),
    path("<slug:identifier>/eac-cpf.xml", views.agent_eac, name="eac"),
]
