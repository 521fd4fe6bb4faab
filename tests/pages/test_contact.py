"""The contact page and the reference-request form, end to end.

Mail goes to a real SMTP server (aiosmtpd) on a free local port; requests are
stored in the real test database; nothing of ours is mocked.
"""

from __future__ import annotations

import email
import json
import logging
import os
import re
import socket
import subprocess
import sys
import time
from datetime import timedelta
from email import policy
from email.utils import getaddresses
from pathlib import Path

import lxml.html
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from django.core import mail as django_mail
from django.test import Client
from django.utils import timezone

from fonds.loader import load_file
from fonds.pages import spam
from fonds.pages.models import BlockedSubmission, ReferenceRequest
from tests.factories import ead2002, folders, write

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
NAME = "Эсфирь Лившиц"
QUESTION = (
    "Ищу письма отказников из Ленинграда, 1979–1981, и фотографии демонстраций.\n"
    "Also Hebrew material: מכתבים ממשפחת גרינברג."
)
STAFF = "reference@example.org"
RESEARCHER = "esfir@example.net"


# -- a real SMTP server -----------------------------------------------------------------


class Inbox:
    """An aiosmtpd handler that keeps what arrives."""

    def __init__(self) -> None:
        self.envelopes = []
        self.authenticated = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        self.authenticated.append(session.authenticated)
        return "250 Message accepted for delivery"

    @property
    def messages(self):
        return [email.message_from_bytes(e.content, policy=policy.default) for e in self.envelopes]

    def wait_for(self, count: int, timeout: float = 5.0) -> None:
        deadline = time.monotonic() + timeout
        while len(self.envelopes) < count and time.monotonic() < deadline:
            time.sleep(0.02)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def point_mail_at(settings, port: int) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    settings.FONDS_REFERENCE_EMAIL = STAFF
    settings.DEFAULT_FROM_EMAIL = "portal@example.org"


@pytest.fixture
def smtp_server(settings):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    point_mail_at(settings, controller.port)
    yield inbox
    controller.stop()


@pytest.fixture
def closed_port() -> int:
    return free_port()  # bound, then closed: nothing listens there


# -- helpers ----------------------------------------------------------------------------


def old_token() -> str:
    """A form token as the page would have issued it a minute ago."""
    return spam.issue_token(at=time.time() - 60)


def request_data(**overrides) -> dict[str, str]:
    data = {
        "name": NAME,
        "email": RESEARCHER,
        "affiliation": "Example University",
        "question": QUESTION,
        "collection_identifiers": "DEMO-001",
        "folder_reference": "Box 2, Folder 7",
        "visit_date": "",
        "intended_use": "research",
        "source_page": "/collections/DEMO-001/",
        spam.TOKEN_FIELD: old_token(),
        spam.HONEYPOT_FIELD: "",
    }
    data.update(overrides)
    return data


def field_value(html: str, name: str) -> str:
    doc = lxml.html.fromstring(html)
    (element,) = doc.xpath(f'//*[@name="{name}"]')
    if element.tag == "textarea":
        return element.text or ""
    return element.get("value") or ""


def body_of(message) -> str:
    """The plain-text body, with the CRLF line ends of SMTP made plain newlines again."""
    return message.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")


# -- the page ---------------------------------------------------------------------------


def test_contact_page_shows_the_configured_details(client, settings):
    settings.FONDS_CONTACT_ADDRESS = ["Test Archive", "7 Sample Lane", "Exampleton"]
    settings.FONDS_CONTACT_PHONE = "+1 (555) 010-0199"
    settings.FONDS_REFERENCE_EMAIL = "desk@example.org"
    settings.FONDS_READING_ROOM_HOURS = ["Tuesdays only", "Closed in August"]
    response = client.get("/contact/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "7 Sample Lane" in html and "Exampleton" in html
    assert 'href="mailto:desk@example.org"' in html
    assert 'href="tel:+15550100199"' in html
    assert "Tuesdays only" in html and "Closed in August" in html
    assert '<a href="/contact/">Contact</a>' in html  # in the main navigation
    assert client.get("/").content.decode().count('href="/contact/"') >= 1


def test_the_demo_defaults_are_placeholders():
    from fonds.settings import ENVIRONMENT_VARIABLES as declared

    assert declared["FONDS_REFERENCE_EMAIL"][0].endswith("@example.org")
    assert declared["FONDS_EMAIL_FROM"][0].endswith("@example.org")
    assert " 555 01" in declared["FONDS_CONTACT_PHONE"][0]  # the range kept for fiction
    assert "Placeholder" in declared["FONDS_CONTACT_ADDRESS"][0]


def test_form_renders_with_csrf_token_and_every_field(client):
    html = client.get("/contact/").content.decode()
    doc = lxml.html.fromstring(html)
    (form,) = doc.xpath('//form[@method="post"]')
    assert form.xpath('.//input[@name="csrfmiddlewaretoken" and @value]')
    names = {el.get("name") for el in form.xpath(".//input|.//textarea|.//select")}
    assert {
        "name",
        "email",
        "affiliation",
        "question",
        "collection_identifiers",
        "folder_reference",
        "visit_date",
        "intended_use",
        "source_page",
        spam.TOKEN_FIELD,
        spam.HONEYPOT_FIELD,
    } <= names
    assert spam.check_token(field_value(html, spam.TOKEN_FIELD)) is spam.Token.TOO_FAST


def test_post_without_csrf_token_is_rejected(settings):
    settings.FONDS_REFERENCE_MIN_SECONDS = 0
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/contact/", request_data())
    assert response.status_code == 403
    assert not ReferenceRequest.objects.exists()


def test_post_with_the_pages_csrf_token_is_accepted(settings):
    settings.FONDS_REFERENCE_MIN_SECONDS = 0
    strict = Client(enforce_csrf_checks=True)
    html = strict.get("/contact/").content.decode()
    data = request_data(
        csrfmiddlewaretoken=field_value(html, "csrfmiddlewaretoken"),
        **{spam.TOKEN_FIELD: field_value(html, spam.TOKEN_FIELD)},
    )
    response = strict.post("/contact/", data)
    assert response.status_code == 302
    assert ReferenceRequest.objects.count() == 1


# -- storing and mailing ----------------------------------------------------------------


def test_request_is_stored_and_mailed_to_the_reference_staff(client, smtp_server):
    response = client.post("/contact/", request_data(), REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 302
    assert response["Location"] == "/contact/?sent=1"

    stored = ReferenceRequest.objects.get()
    assert stored.name == NAME and stored.question == QUESTION
    assert stored.email == RESEARCHER
    assert stored.status == ReferenceRequest.Status.NEW
    assert stored.source_page == "/collections/DEMO-001/"
    assert stored.intended_use == "research"
    assert re.fullmatch(r"[0-9a-f]{64}", stored.ip_hash)
    assert "203.0.113.7" not in stored.ip_hash
    assert stored.notified_at is not None and stored.acknowledged_at is not None
    assert timezone.now() - stored.created_at < timedelta(minutes=1)

    smtp_server.wait_for(2)
    staff_envelope = next(e for e in smtp_server.envelopes if e.rcpt_tos == [STAFF])
    assert staff_envelope.mail_from == "portal@example.org"
    staff = email.message_from_bytes(staff_envelope.content, policy=policy.default)
    assert staff["To"] == STAFF
    assert staff["Subject"].strip().startswith(f"Reference request #{stored.pk} from {NAME}")
    assert getaddresses([str(staff["Reply-To"])]) == [(NAME, RESEARCHER)]
    assert staff.get_content_charset() == "utf-8"
    body = body_of(staff)
    assert QUESTION in body  # Cyrillic and Hebrew intact, line break kept
    assert NAME in body and RESEARCHER in body and "Example University" in body
    assert "Box 2, Folder 7" in body
    assert "Scholarly research" in body
    assert "http://testserver/collections/DEMO-001/" in body
    assert f"http://testserver/admin/pages/referencerequest/{stored.pk}/change/" in body


def test_the_researcher_gets_an_acknowledgement(client, smtp_server):
    client.post("/contact/", request_data())
    stored = ReferenceRequest.objects.get()
    smtp_server.wait_for(2)
    envelope = next(e for e in smtp_server.envelopes if e.rcpt_tos == [RESEARCHER])
    ack = email.message_from_bytes(envelope.content, policy=policy.default)
    assert ack["To"] == RESEARCHER
    assert ack["Reply-To"] == STAFF
    assert ack["Auto-Submitted"] == "auto-replied"
    assert f"#{stored.pk}" in ack["Subject"]
    body = body_of(ack)
    assert f"Dear {NAME}," in body
    assert "reference@example.org" in body
    # The acknowledgement repeats nothing the sender typed but the name.
    assert "Ленинграда" not in body and "Example University" not in body


def test_the_confirmation_page_after_sending(client, smtp_server):
    response = client.post("/contact/", request_data(), follow=True)
    assert response.redirect_chain == [("/contact/?sent=1", 302)]
    html = response.content.decode()
    assert "your request was received" in html
    assert 'role="status"' in html
    assert '<form class="reference-request"' not in html
    assert "could not send you a confirmation" not in html


def test_smtp_authentication_uses_the_configured_credentials(client, settings):
    inbox = Inbox()
    seen = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        seen.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.password == b"s3cret")

    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=free_port(),
        authenticator=authenticator,
        auth_require_tls=False,
    )
    controller.start()
    try:
        point_mail_at(settings, controller.port)
        settings.EMAIL_HOST_USER = "archivist"
        settings.EMAIL_HOST_PASSWORD = "s3cret"
        assert client.post("/contact/", request_data()).status_code == 302
        inbox.wait_for(2)
    finally:
        controller.stop()
    assert seen and seen[0] == (b"archivist", b"s3cret")
    assert inbox.authenticated == [True, True]
    assert ReferenceRequest.objects.get().notified_at is not None


def test_smtp_down_still_stores_and_thanks(client, settings, closed_port, caplog):
    point_mail_at(settings, closed_port)
    with caplog.at_level(logging.ERROR, logger="fonds.pages"):
        response = client.post("/contact/", request_data(), follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "your request was received" in html
    assert "could not send you a confirmation" in html
    stored = ReferenceRequest.objects.get()
    assert stored.notified_at is None and stored.acknowledged_at is None
    assert any("could not connect" in r.getMessage() and r.exc_info for r in caplog.records)


# -- spam protection --------------------------------------------------------------------


def test_honeypot_is_silently_accepted_but_not_stored_or_mailed(client, smtp_server):
    response = client.post(
        "/contact/", request_data(**{spam.HONEYPOT_FIELD: "http://spam.example/"}), follow=True
    )
    assert response.redirect_chain == [("/contact/?sent=1", 302)]
    assert "your request was received" in response.content.decode()
    assert not ReferenceRequest.objects.exists()
    assert smtp_server.envelopes == []
    assert BlockedSubmission.objects.get().reason == BlockedSubmission.Reason.HONEYPOT


def test_the_honeypot_is_hidden_from_people_and_assistive_technology(client):
    doc = lxml.html.fromstring(client.get("/contact/").content.decode())
    (trap,) = doc.xpath(f'//input[@name="{spam.HONEYPOT_FIELD}"]')
    wrapper = trap.getparent()
    assert wrapper.get("aria-hidden") == "true"
    assert "hp" in wrapper.get("class").split()
    assert trap.get("tabindex") == "-1"
    assert trap.get("autocomplete") == "off"
    css = (ROOT / "fonds" / "pages" / "static" / "pages" / "contact.css").read_text()
    assert re.search(r"\.hp \{[^}]*left: -10000px", css)


def test_too_fast_submission_is_turned_back_politely(client, smtp_server):
    html = client.get("/contact/").content.decode()
    token = field_value(html, spam.TOKEN_FIELD)
    response = client.post("/contact/", request_data(**{spam.TOKEN_FIELD: token}))
    assert response.status_code == 200
    page = response.content.decode()
    assert "quicker than we expected" in page
    assert "has not been sent yet" in page
    assert field_value(page, "name") == NAME  # what they wrote is still there
    assert field_value(page, "question").strip() == QUESTION
    assert field_value(page, spam.TOKEN_FIELD) != token  # a fresh token for the next try
    assert not ReferenceRequest.objects.exists()
    assert BlockedSubmission.objects.get().reason == BlockedSubmission.Reason.TOO_FAST
    assert smtp_server.envelopes == []


def test_the_same_form_sent_after_a_pause_goes_through(client, settings):
    settings.FONDS_REFERENCE_MIN_SECONDS = 0.5
    token = field_value(client.get("/contact/").content.decode(), spam.TOKEN_FIELD)
    time.sleep(0.6)
    assert client.post("/contact/", request_data(**{spam.TOKEN_FIELD: token})).status_code == 302
    assert ReferenceRequest.objects.count() == 1


@pytest.mark.parametrize("token", ["", "forged", old_token()[:-3] + "xyz"])
def test_missing_or_forged_token_is_turned_back(client, token):
    response = client.post("/contact/", request_data(**{spam.TOKEN_FIELD: token}))
    assert response.status_code == 200
    assert "could not confirm that this form came from our page" in response.content.decode()
    assert not ReferenceRequest.objects.exists()
    assert BlockedSubmission.objects.get().reason == BlockedSubmission.Reason.BAD_TOKEN


def test_a_form_left_open_for_days_is_sent_again(client):
    stale = spam.issue_token(at=time.time() - spam.TOKEN_MAX_AGE - 60)
    response = client.post("/contact/", request_data(**{spam.TOKEN_FIELD: stale}))
    assert "open for a long time" in response.content.decode()
    assert not ReferenceRequest.objects.exists()
    assert not BlockedSubmission.objects.exists()  # a person, most likely: not counted


def test_rate_limit_answers_429_after_the_limit(client, settings):
    settings.FONDS_REFERENCE_RATE_LIMIT = 3
    for _ in range(3):
        assert client.post("/contact/", request_data()).status_code == 302
    response = client.post("/contact/", request_data(question="Один вопрос ещё"))
    assert response.status_code == 429
    assert 3000 < int(response["Retry-After"]) <= 3601
    html = response.content.decode()
    assert "<h1>Please wait before sending another request</h1>" in html
    assert "about 60 minutes" in html
    assert "Один вопрос ещё" in html  # their text, to copy
    assert "reference@example.org" in html
    assert ReferenceRequest.objects.count() == 3
    assert len(django_mail.outbox) == 6
    # Another client is not affected.
    assert client.post("/contact/", request_data(), REMOTE_ADDR="198.51.100.9").status_code == 302


def test_turned_away_attempts_count_toward_the_limit(client, settings):
    settings.FONDS_REFERENCE_RATE_LIMIT = 2
    for _ in range(2):
        client.post("/contact/", request_data(**{spam.HONEYPOT_FIELD: "x"}))
    assert client.post("/contact/", request_data()).status_code == 429
    assert not ReferenceRequest.objects.exists()


def test_the_limit_lifts_when_the_window_has_passed(client, settings):
    settings.FONDS_REFERENCE_RATE_LIMIT = 2
    for _ in range(2):
        client.post("/contact/", request_data())
    assert client.post("/contact/", request_data()).status_code == 429
    ReferenceRequest.objects.update(created_at=timezone.now() - timedelta(hours=2))
    assert client.post("/contact/", request_data()).status_code == 302


def test_clients_behind_a_trusted_proxy_are_told_apart(client, settings):
    settings.FONDS_REFERENCE_RATE_LIMIT = 1
    settings.FONDS_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    first = {"HTTP_X_FORWARDED_FOR": "198.51.100.1", **proxy}
    second = {"HTTP_X_FORWARDED_FOR": "198.51.100.2", **proxy}
    spoofed = {"HTTP_X_FORWARDED_FOR": "192.0.2.99, 198.51.100.1", **proxy}
    assert client.post("/contact/", request_data(), **first).status_code == 302
    assert client.post("/contact/", request_data(), **second).status_code == 302
    # Only the address the proxy itself saw counts; what the client claimed is ignored.
    assert client.post("/contact/", request_data(), **spoofed).status_code == 429


def test_ipv6_clients_are_counted_by_network():
    assert spam.client_key("2001:db8:1:2:aaaa::1") == spam.client_key("2001:db8:1:2:bbbb::9")
    assert spam.client_key("2001:db8:1:2::1") != spam.client_key("2001:db8:1:3::1")
    assert spam.client_key("::ffff:192.0.2.1") == "192.0.2.1"
    assert spam.client_key("not an address") == "not an address"


# -- validation -------------------------------------------------------------------------


def test_missing_required_fields_are_explained(client):
    response = client.post("/contact/", request_data(name="", email="not-an-address", question=""))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Please tell us your name." in html
    assert "does not look like an email address" in html
    assert "Please tell us what you are looking for." in html
    assert "<title>Error: " in html
    assert not ReferenceRequest.objects.exists()
    assert not BlockedSubmission.objects.exists()


def test_a_visit_in_the_past_and_line_breaks_in_a_name_are_refused(client):
    response = client.post(
        "/contact/",
        request_data(name="Someone\r\nBcc: victim@example.com", visit_date="2001-01-01"),
    )
    html = response.content.decode()
    assert "Please keep this to one line." in html
    assert "This date has passed" in html
    assert not ReferenceRequest.objects.exists()


def test_a_future_visit_is_kept(client):
    day = (timezone.localdate() + timedelta(days=30)).isoformat()
    assert client.post("/contact/", request_data(visit_date=day)).status_code == 302
    assert ReferenceRequest.objects.get().visit_date.isoformat() == day


def test_only_a_local_path_is_kept_as_where_the_request_came_from(client):
    client.post("/contact/", request_data(source_page="https://elsewhere.example/x"))
    client.post("/contact/", request_data(source_page="//elsewhere.example/x"))
    client.post("/contact/", request_data(source_page="/collections/X/" + "y" * 600))
    kept = list(ReferenceRequest.objects.order_by("pk").values_list("source_page", flat=True))
    assert kept[:2] == ["", ""]
    assert kept[2].startswith("/collections/X/") and len(kept[2]) == 500


# -- prefill ----------------------------------------------------------------------------


def test_prefill_from_a_component_page_link(client, tmp_path):
    path = write(tmp_path / "ask.xml", ead2002("ASK-1", folders(3), title="Ask Test Papers"))
    load_file(path)
    response = client.get(
        "/contact/?collection=ASK-1&ref=f2",
        HTTP_REFERER="http://testserver/collections/ASK-1/f2/",
    )
    html = response.content.decode()
    assert field_value(html, "collection_identifiers") == "ASK-1"
    assert field_value(html, "folder_reference") == "f2"
    assert field_value(html, "source_page") == "/collections/ASK-1/f2/"
    doc = lxml.html.fromstring(html)
    (about,) = doc.xpath('//p[@class="about"]')
    assert "Ask Test Papers" in about.text_content() and "Folder 2" in about.text_content()
    assert about.xpath('.//a[@href="/collections/ASK-1/f2/"]')


def test_prefill_without_a_referer_points_at_the_component(client, tmp_path):
    load_file(write(tmp_path / "ask.xml", ead2002("ASK-1", folders(2))))
    html = client.get("/contact/?collection=ASK-1&ref=f1").content.decode()
    assert field_value(html, "source_page") == "/collections/ASK-1/f1/"


def test_prefill_of_an_unknown_collection_is_kept_as_text(client):
    html = client.get(
        "/contact/?collection=%3Cb%3ENOPE%3C/b%3E&ref=Box%203%0A%20Folder%201",
        HTTP_REFERER="https://elsewhere.example/page",
    ).content.decode()
    assert field_value(html, "collection_identifiers") == "<b>NOPE</b>"  # escaped in the page
    assert "<b>NOPE</b>" not in html
    assert field_value(html, "folder_reference") == "Box 3 Folder 1"
    assert field_value(html, "source_page") == ""
    assert 'class="about"' not in html


# -- accessibility structure ------------------------------------------------------------


def assert_accessible_form(html: str) -> None:
    doc = lxml.html.fromstring(html)
    label_targets = {label.get("for") for label in doc.iter("label")}
    controls = doc.xpath("//input[not(@type='hidden') and not(@type='submit')]|//select|//textarea")
    assert len(controls) > 10
    for control in controls:
        name = control.get("name")
        assert control.get("id") in label_targets or control.xpath("ancestor::label"), name
        for target in (control.get("aria-describedby") or "").split():
            assert doc.xpath(f'//*[@id="{target}"]'), (name, target)
        if control.get("required") is not None:
            (label,) = doc.xpath(f'//label[@for="{control.get("id")}"]')
            assert "(required)" in label.text_content(), name
    for fieldset in doc.xpath("//form//fieldset"):
        assert fieldset.xpath("./legend"), lxml.html.tostring(fieldset)[:80]
    assert len(doc.xpath("//h1")) == 1


def test_every_input_has_a_label(client):
    html = client.get("/contact/").content.decode()
    assert_accessible_form(html)
    doc = lxml.html.fromstring(html)
    for name in ("name", "email", "question"):
        (control,) = doc.xpath(f'//*[@name="{name}"]')
        assert control.get("required") is not None
    (question,) = doc.xpath('//textarea[@name="question"]')
    assert question.get("aria-describedby") == "id_question_helptext"
    (uses,) = doc.xpath('//fieldset[contains(@class, "choices")]')
    assert "How will you use the material?" in uses.xpath("./legend")[0].text_content()


def test_errors_are_tied_to_their_fields(client):
    html = client.post("/contact/", request_data(email="nope", question="")).content.decode()
    assert_accessible_form(html)
    doc = lxml.html.fromstring(html)
    (email_input,) = doc.xpath('//input[@name="email"]')
    assert email_input.get("aria-invalid") == "true"
    assert "id_email_error" in email_input.get("aria-describedby").split()
    assert "does not look like" in doc.xpath('//*[@id="id_email_error"]')[0].text_content()
    (summary,) = doc.xpath('//div[@class="error-summary"]')
    assert summary.get("role") == "alert"
    assert summary.xpath('.//a[@href="#id_email"]') and summary.xpath('.//a[@href="#id_question"]')


# -- staff ------------------------------------------------------------------------------


def test_admin_lists_filters_and_searches_requests(client, django_user_model):
    admin = django_user_model.objects.create_superuser("staff", "staff@example.org", "pw")
    client.force_login(admin)
    ReferenceRequest.objects.create(
        name=NAME, email=RESEARCHER, question=QUESTION, ip_hash="0" * 64
    )
    ReferenceRequest.objects.create(
        name="Closed Case",
        email="c@example.net",
        question="Old question",
        ip_hash="1" * 64,
        status=ReferenceRequest.Status.CLOSED,
    )
    listing = client.get("/admin/pages/referencerequest/")
    assert listing.status_code == 200
    html = listing.content.decode()
    assert NAME in html and "Closed Case" in html
    assert "By status" in html or "status" in html
    only_new = client.get("/admin/pages/referencerequest/?status__exact=new").content.decode()
    assert NAME in only_new and "Closed Case" not in only_new
    found = client.get("/admin/pages/referencerequest/?q=Лившиц").content.decode()
    assert NAME in found and "Closed Case" not in found
    unmailed = client.get("/admin/pages/referencerequest/?notified_at__isempty=1")
    assert unmailed.status_code == 200
    stored = ReferenceRequest.objects.get(name=NAME)
    change = client.get(f"/admin/pages/referencerequest/{stored.pk}/change/")
    assert change.status_code == 200
    assert "Ленинграда" in change.content.decode()
    assert client.get("/admin/pages/blockedsubmission/").status_code == 200


def test_admin_is_closed_to_the_public(client):
    response = client.get("/admin/pages/referencerequest/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


# -- configuration ----------------------------------------------------------------------


def settings_under(env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    code = (
        "import json; from fonds import settings as s; print(json.dumps({k: getattr(s, k) for k in "
        "['EMAIL_BACKEND', 'EMAIL_HOST', 'EMAIL_PORT', 'EMAIL_HOST_USER', 'EMAIL_HOST_PASSWORD',"
        " 'EMAIL_USE_TLS', 'EMAIL_USE_SSL', 'EMAIL_TIMEOUT', 'DEFAULT_FROM_EMAIL',"
        " 'FONDS_REFERENCE_EMAIL', 'FONDS_CONTACT_ADDRESS', 'FONDS_READING_ROOM_HOURS',"
        " 'FONDS_REFERENCE_RATE_LIMIT']}))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith("FONDS_")}
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, "FONDS_HOME": str(tmp_path), **env},
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )


def test_mail_settings_come_from_the_environment(tmp_path):
    defaults = json.loads(settings_under({}, tmp_path).stdout)
    assert defaults["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert defaults["FONDS_REFERENCE_EMAIL"] == "reference@example.org"
    assert defaults["FONDS_REFERENCE_RATE_LIMIT"] == 5
    result = settings_under(
        {
            "FONDS_EMAIL_BACKEND": "console",
            "FONDS_EMAIL_HOST": "smtp.example.org",
            "FONDS_EMAIL_PORT": "587",
            "FONDS_EMAIL_USER": "portal",
            "FONDS_EMAIL_PASSWORD": "pw",
            "FONDS_EMAIL_STARTTLS": "true",
            "FONDS_EMAIL_TIMEOUT": "4",
            "FONDS_EMAIL_FROM": "Archive <portal@example.org>",
            "FONDS_REFERENCE_EMAIL": "desk@example.org",
            "FONDS_CONTACT_ADDRESS": "Line one | Line two",
            "FONDS_READING_ROOM_HOURS": "Mondays",
            "FONDS_REFERENCE_RATE_LIMIT": "9",
        },
        tmp_path,
    )
    values = json.loads(result.stdout)
    assert values == {
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
        "EMAIL_HOST": "smtp.example.org",
        "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "portal",
        "EMAIL_HOST_PASSWORD": "pw",
        "EMAIL_USE_TLS": True,
        "EMAIL_USE_SSL": False,
        "EMAIL_TIMEOUT": 4.0,
        "DEFAULT_FROM_EMAIL": "Archive <portal@example.org>",
        "FONDS_REFERENCE_EMAIL": "desk@example.org",
        "FONDS_CONTACT_ADDRESS": ["Line one", "Line two"],
        "FONDS_READING_ROOM_HOURS": ["Mondays"],
        "FONDS_REFERENCE_RATE_LIMIT": 9,
    }


@pytest.mark.parametrize(
    ("env", "complaint"),
    [
        ({"FONDS_EMAIL_BACKEND": "carrier-pigeon"}, "FONDS_EMAIL_BACKEND"),
        ({"FONDS_EMAIL_STARTTLS": "true", "FONDS_EMAIL_SSL": "true"}, "exclude each other"),
    ],
)
def test_contradictory_mail_settings_are_refused(tmp_path, env, complaint):
    result = settings_under(env, tmp_path)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and complaint in result.stderr
