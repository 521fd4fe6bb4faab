from django.urls import path

from . import views

app_name = "guides"
urlpatterns = [
    path("", views.guides, name="guides"),
    path("<slug:slug>/", views.guide, name="guide"),
]
