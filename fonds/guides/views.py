from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.html import strip_tags

from fonds.pages.markdown import render as markdown

from .models import Guide
from .presentation import public_entries


def guides(request: HttpRequest) -> HttpResponse:
    return render(request, "guides/guides.html", {"guides": Guide.objects.filter(published=True)})


def guide(request: HttpRequest, slug: str) -> HttpResponse:
    found = get_object_or_404(Guide, slug=slug, published=True)
    return render(
        request,
        "guides/guide.html",
        {
            "guide": found,
            "entries": public_entries(found),
            "description": " ".join(strip_tags(markdown(found.summary)).split()),
        },
    )
