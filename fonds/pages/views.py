from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from fonds.findingaids.models import Collection, Component

from .models import Page


def home(request: HttpRequest) -> HttpResponse:
    overview = Page.objects.filter(slug="overview", published=True).first()
    return render(
        request,
        "pages/home.html",
        {
            "overview": overview,
            "collection_count": Collection.objects.count(),
            "component_count": Component.objects.count(),
            "recent": Collection.objects.order_by("-loaded_at")[:6],
        },
    )


def page(request: HttpRequest, slug: str) -> HttpResponse:
    return render(
        request,
        "pages/page.html",
        {"page": get_object_or_404(Page, slug=slug, published=True)},
    )
