import logging
import math
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from fonds.authorities.models import Agent
from fonds.bibliography.models import Work
from fonds.findingaids.models import Collection, Component
from fonds.timeline.models import Event

from . import mail, spam
from .forms import ReferenceRequestForm, named_material
from .models import BlockedSubmission, Page

logger = logging.getLogger(__name__)


def home(request: HttpRequest) -> HttpResponse:
    overview = Page.objects.public().filter(slug="overview").first()
    return render(
        request,
        "pages/home.html",
        {
            "overview": overview,
            "archive_description": settings.ARCHIVE_DESCRIPTION,
            "search_placeholder": (
                ", ".join(settings.SEARCH_EXAMPLES) + "…" if settings.SEARCH_EXAMPLES else ""
            ),
            "collection_count": Collection.objects.count(),
            "component_count": Component.objects.count(),
            "recent": Collection.objects.order_by("title")[:12],
            "pages": Page.objects.public(),
            "agent_count": Agent.objects.public().count(),
            "event_count": Event.objects.public().count(),
            "work_count": Work.objects.public().count(),
        },
    )


def page(request: HttpRequest, slug: str) -> HttpResponse:
    return render(
        request,
        "pages/page.html",
        {"page": get_object_or_404(Page.objects.public(), slug=slug)},
    )


TOKEN_MESSAGES = {
    spam.Token.TOO_FAST: (
        "Thank you. That was quicker than we expected: to keep automated messages out, "
        "a form has to stay open for a few seconds. Please check your request below "
        "and send it again."
    ),
    spam.Token.EXPIRED: (
        "This form was open for a long time. Please check your request below and send it again."
    ),
    spam.Token.FORGED: (
        "We could not confirm that this form came from our page. Please check your "
        "request below and send it again."
    ),
}


@require_http_methods(["GET", "HEAD", "POST"])
def contact(request: HttpRequest) -> HttpResponse:
    """How to reach the archive, and the reference-request form (POST, then redirect)."""
    if request.method == "POST":
        return _receive(request)
    if request.GET.get("sent") == "1":
        return _contact_page(request, None, sent=True)
    collection = _query_value(request.GET, "collection")
    ref = _query_value(request.GET, "ref")
    found_collection, found_component = named_material(collection, ref)
    came_from = _came_from(request)
    named = found_component or found_collection
    if not came_from and named is not None:
        came_from = named.get_absolute_url()
    form = ReferenceRequestForm(
        initial={
            "collection_identifiers": collection,
            "folder_reference": ref,
            "source_page": came_from,
        }
    )
    return _contact_page(request, form)


def _receive(request: HttpRequest) -> HttpResponse:
    ip_hash = spam.client_hash(request)
    wait = spam.retry_after(ip_hash)
    if wait is not None:
        logger.info("reference request turned away: rate limit (client %s)", ip_hash[:12])
        response = render(
            request,
            "pages/contact_limited.html",
            {
                "minutes": math.ceil(wait / 60),
                "question": request.POST.get("question", "")[:5000],
                **_contact_details(),
            },
            status=429,
        )
        response["Retry-After"] = str(wait)
        return response
    if request.POST.get(spam.HONEYPOT_FIELD, "").strip():
        # Answered like a success, so that whoever filled it learns nothing.
        spam.record_blocked(ip_hash, BlockedSubmission.Reason.HONEYPOT)
        logger.info("reference request turned away: honeypot (client %s)", ip_hash[:12])
        return _sent()
    form = ReferenceRequestForm(request.POST)
    valid = form.is_valid()
    token = spam.check_token(request.POST.get(spam.TOKEN_FIELD, ""))
    if token is not spam.Token.OK:
        if token is spam.Token.TOO_FAST:
            spam.record_blocked(ip_hash, BlockedSubmission.Reason.TOO_FAST)
        elif token is spam.Token.FORGED:
            spam.record_blocked(ip_hash, BlockedSubmission.Reason.BAD_TOKEN)
        form.add_error(None, TOKEN_MESSAGES[token])
        return _contact_page(request, form)
    if not valid:
        return _contact_page(request, form)
    reference_request = form.save(commit=False)
    reference_request.ip_hash = ip_hash
    reference_request.save()
    delivery = mail.send_reference_request(reference_request, request)
    if not delivery.acknowledged:
        messages.warning(
            request,
            "Your request is safely with us, but we could not send you a confirmation "
            "email just now. There is no need to send it again: we will answer at the "
            "address you gave.",
        )
    return _sent()


def _sent() -> HttpResponseRedirect:
    return HttpResponseRedirect(f"{reverse('pages:contact')}?sent=1")


def _contact_page(
    request: HttpRequest, form: ReferenceRequestForm | None, *, sent: bool = False
) -> HttpResponse:
    about: tuple[Collection | None, Component | None] = (None, None)
    if form is not None:
        source = form.data if form.is_bound else form.initial
        about = named_material(
            str(source.get("collection_identifiers") or ""),
            str(source.get("folder_reference") or ""),
        )
    return render(
        request,
        "pages/contact.html",
        {
            "form": form,
            "sent": sent,
            "about_collection": about[0],
            "about_component": about[1],
            "started_token": spam.issue_token(),
            "started_field": spam.TOKEN_FIELD,
            "honeypot_field": spam.HONEYPOT_FIELD,
            **_contact_details(),
        },
    )


def _contact_details() -> dict[str, Any]:
    phone = settings.FONDS_CONTACT_PHONE
    return {
        "address_lines": settings.FONDS_CONTACT_ADDRESS,
        "reference_email": settings.FONDS_REFERENCE_EMAIL,
        "phone": phone,
        "phone_href": "".join(ch for ch in phone if ch.isdigit() or ch == "+"),
        "hours": settings.FONDS_READING_ROOM_HOURS,
    }


def _query_value(query: QueryDict, name: str) -> str:
    """A prefill value from the query string: one line, at most 200 characters."""
    return " ".join(query.get(name, "").split())[:200]


def _came_from(request: HttpRequest) -> str:
    """The page on this site that linked to the form, if the browser said so."""
    referer = urlsplit(str(request.META.get("HTTP_REFERER", "")))
    if referer.netloc != request.get_host() or not referer.path.startswith("/"):
        return ""
    if referer.path == reverse("pages:contact"):
        return ""
    return referer.path + (f"?{referer.query}" if referer.query else "")
