"""The mail a reference request sends: one to the reference staff, one to the researcher.

Plain UTF-8 text. The staff's copy carries the researcher's address in Reply-To, so
answering it answers them. The researcher's acknowledgement repeats nothing they
typed except their name, so the form cannot be used to send someone else a message.

Sending never raises: a request is stored before any mail goes out, and a failure
is logged and noted on the request (``notified_at`` stays empty).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from email.utils import formataddr

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from .forms import named_material
from .models import ReferenceRequest

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Delivery:
    notified: bool
    acknowledged: bool


def one_line(text: str, limit: int) -> str:
    return Truncator(" ".join(text.split())).chars(limit)


def staff_message(
    request_obj: ReferenceRequest, http_request: HttpRequest, connection: BaseEmailBackend
) -> EmailMessage:
    r = request_obj
    absolute = http_request.build_absolute_uri
    rows = [
        ("Name", r.name),
        ("Email", r.email),
        ("Affiliation", r.affiliation),
        ("Collection(s)", r.collection_identifiers),
        ("Folder or item", r.folder_reference),
    ]
    collection, component = named_material(r.collection_identifiers, r.folder_reference)
    if component is not None:
        described = component.display_title
        if component.container_summary:
            described += f" ({component.container_summary})"
        rows.append(("That is", f"{described}, in {collection}"))
        rows.append(("", absolute(component.get_absolute_url())))
    elif collection is not None:
        rows.append(("That is", str(collection)))
        rows.append(("", absolute(collection.get_absolute_url())))
    rows += [
        ("Planned visit", r.visit_date.isoformat() if r.visit_date else ""),
        ("Intended use", r.get_intended_use_display() if r.intended_use else ""),
        ("Came from", absolute(r.source_page) if r.source_page else ""),
    ]
    width = max(len(label) for label, _ in rows) + 2
    lines = [
        f"A reference request arrived through the {settings.ARCHIVE_NAME} portal.",
        "",
        *(f"{(label + ':') if label else '':<{width}}{value}" for label, value in rows if value),
        "",
        "Question",
        "--------",
        r.question.strip(),
        "",
        "--",
        "Reply to this message to answer the researcher: Reply-To is their address.",
        f"Request #{r.pk}, received {r.created_at:%Y-%m-%d %H:%M} UTC:",
        absolute(reverse("admin:pages_referencerequest_change", args=[r.pk])),
    ]
    return EmailMessage(
        subject=one_line(f"Reference request #{r.pk} from {r.name}: {r.question}", 120),
        body="\n".join(lines) + "\n",
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[settings.FONDS_REFERENCE_EMAIL],
        reply_to=[formataddr((r.name, r.email))],
        connection=connection,
    )


def acknowledgement(request_obj: ReferenceRequest, connection: BaseEmailBackend) -> EmailMessage:
    r = request_obj
    address = list(settings.FONDS_CONTACT_ADDRESS)
    if address[:1] != [settings.ARCHIVE_NAME]:
        address.insert(0, settings.ARCHIVE_NAME)
    contact = [*address, f"Email: {settings.FONDS_REFERENCE_EMAIL}"]
    if settings.FONDS_CONTACT_PHONE:
        contact.append(f"Telephone: {settings.FONDS_CONTACT_PHONE}")
    if settings.FONDS_READING_ROOM_HOURS:
        contact += ["", "Reading room:", *settings.FONDS_READING_ROOM_HOURS]
    lines = [
        f"Dear {one_line(r.name, 200)},",
        "",
        f"thank you for writing to the reference staff of the {settings.ARCHIVE_NAME}.",
        f"We received your request on {r.created_at:%d %B %Y} and filed it as number {r.pk}.",
        "An archivist will read it and answer you at this address.",
        "",
        "If you wrote about a visit, please wait for our confirmation before you travel:",
        "the reading room is open by appointment, and some material may be stored off site.",
        "",
        "To add to your request, reply to this message and keep the number in the subject.",
        "If you did not send this request, you need not do anything; we will not write again.",
        "",
        *contact,
    ]
    return EmailMessage(
        subject=f"Your reference request #{r.pk} to the {settings.ARCHIVE_NAME}",
        body="\n".join(lines) + "\n",
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[r.email],
        reply_to=[settings.FONDS_REFERENCE_EMAIL],
        headers={"Auto-Submitted": "auto-replied"},
        connection=connection,
    )


def send_reference_request(request_obj: ReferenceRequest, http_request: HttpRequest) -> Delivery:
    """Mail the staff and the researcher; report what went out, never raise."""
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
    except Exception:
        logger.exception(
            "reference request #%s: could not connect or log in to the mail server; nothing sent",
            request_obj.pk,
        )
        return Delivery(notified=False, acknowledged=False)
    try:
        staff = staff_message(request_obj, http_request, connection)
        notified = _send(staff, request_obj, "the notification to the reference staff")
        ack = acknowledgement(request_obj, connection)
        acknowledged = _send(ack, request_obj, "the acknowledgement to the researcher")
    finally:
        try:
            connection.close()
        except Exception:
            logger.warning(
                "reference request #%s: closing the mail connection failed", request_obj.pk
            )
    now = timezone.now()
    ReferenceRequest.objects.filter(pk=request_obj.pk).update(
        notified_at=now if notified else None, acknowledged_at=now if acknowledged else None
    )
    return Delivery(notified=notified, acknowledged=acknowledged)


def _send(message: EmailMessage, request_obj: ReferenceRequest, what: str) -> bool:
    try:
        return message.send() > 0
    except Exception:
        logger.exception("reference request #%s: sending %s failed", request_obj.pk, what)
        return False
