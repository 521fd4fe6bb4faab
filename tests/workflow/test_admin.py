"""Uploads through the admin, their dry runs, background loads and versions.

Real database, real loader, real background threads (the test waits for them).
"""

from __future__ import annotations

import re
from contextlib import ExitStack
from pathlib import Path

import pytest
from django.urls import reverse

from fonds.findingaids.models import Collection, Component, FindingAidSource
from fonds.loader import load_file
from fonds.workflow import jobs
from fonds.workflow.models import FindingAidVersion, UploadJob

from .conftest import ADDED, ADDED_TITLE, DEMO, NEW_TITLE, REMOVED, RETITLED

# the background thread opens its own connection: the data must be committed
pytestmark = pytest.mark.django_db(transaction=True)

UPLOAD = "/admin/workflow/uploadjob/upload/"


def upload(client, *paths: Path, note: str = "") -> UploadJob:
    with ExitStack() as stack:
        handles = [stack.enter_context(open(p, "rb")) for p in paths]
        response = client.post(UPLOAD, {"upload": handles, "note": note})
    assert response.status_code == 302, response.content[:2000]
    job_id = int(re.search(r"/(\d+)/job/$", response.url).group(1))
    assert jobs.wait(job_id, 120), "the check did not finish"
    return UploadJob.objects.get(pk=job_id)


def confirm(client, job: UploadJob) -> UploadJob:
    response = client.post(reverse("admin:workflow_uploadjob_load", args=[job.pk]))
    assert response.status_code == 302
    assert jobs.wait(job.pk, 300), "the load did not finish"
    return UploadJob.objects.get(pk=job.pk)


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_only_staff_reach_the_upload_page(client, django_user_model):
    assert client.get(UPLOAD).status_code == 302  # to the login page
    django_user_model.objects.create_user("reader", password="x" * 12)
    client.login(username="reader", password="x" * 12)
    response = client.get(UPLOAD)
    assert response.status_code == 302 and "/admin/login/" in response.url


def test_the_upload_form_is_linked_from_the_admin_and_the_collections(staff_client):
    assert UPLOAD in page(staff_client, "/admin/workflow/uploadjob/")
    assert UPLOAD in page(staff_client, "/admin/findingaids/collection/")
    assert 'type="file"' in page(staff_client, UPLOAD)


def test_errors_are_the_ones_fonds_load_prints_with_file_and_line(staff_client, tmp_path):
    broken = tmp_path / "broken.xml"
    broken.write_text(
        '<?xml version="1.0"?>\n<ead xmlns="urn:isbn:1-931666-22-9">\n'
        "<eadheader><eadid>X</eadid></eadheader>\n<archdesc><did>\n<unittitle>A < B</unittitle>\n"
    )
    notes = tmp_path / "notes.csv"
    notes.write_text("colour;size\nred;1\n")
    job = upload(staff_client, broken, notes)
    assert job.status == UploadJob.INVALID
    expected = [load_file(p).error.replace(str(p), p.name) for p in (broken, notes)]
    assert expected[0].startswith("broken.xml:5:")
    assert expected[1].startswith("notes.csv:1:1: error: unknown format")
    assert job.errors == expected
    html = page(staff_client, job.get_absolute_url())
    for line in expected:
        assert line.replace("<", "&lt;").replace("'", "&#x27;") in html
    assert "load-button" not in html  # nothing to load
    assert Collection.all_objects.count() == 0


def test_the_dry_run_lists_exactly_the_changes_and_changes_nothing(staff_client, edited_demo_001):
    assert load_file(DEMO / "DEMO-001.xml").status == "loaded"
    source_before = FindingAidSource.objects.get().sha256
    titles_before = dict(Component.all_objects.values_list("ref", "title"))

    job = upload(staff_client, edited_demo_001, note="revised by the processing archivist")
    assert job.status == UploadJob.CHECKED and job.errors == []
    [entry] = job.report
    changes = entry["changes"]
    assert changes["collection_status"] == "replaced"
    assert changes["counts"] == {
        "added": 1,
        "removed": 1,
        "changed": 1,
        "unchanged": 140,
        "before": 142,
        "after": 142,
    }
    assert [c["ref"] for c in changes["added"]] == [ADDED]
    assert [c["ref"] for c in changes["removed"]] == [REMOVED]
    assert [(c["ref"], c["fields"]) for c in changes["changed"]] == [
        (RETITLED, [{"field": "title", "old": "Founding meetings", "new": NEW_TITLE}])
    ]
    html = page(staff_client, job.get_absolute_url())
    for text in (
        ADDED,
        ADDED_TITLE,
        REMOVED,
        RETITLED,
        NEW_TITLE,
        "Box 1, Folder 3a",
        "load-button",
    ):
        assert text in html
    # nothing changed in the database
    assert FindingAidSource.objects.get().sha256 == source_before
    assert dict(Component.all_objects.values_list("ref", "title")) == titles_before
    assert FindingAidVersion.objects.count() == 1


def test_confirm_loads_in_the_background_and_records_a_version(staff_client, edited_demo_001):
    load_file(DEMO / "DEMO-001.xml")
    job = upload(staff_client, edited_demo_001, note="revised")
    job = confirm(staff_client, job)
    assert job.status == UploadJob.DONE, job.errors
    assert job.results[0]["status"] == "replaced"
    assert (job.progress_done, job.progress_total) == (142, 142)
    assert job.started_at and job.finished_at
    html = page(staff_client, job.get_absolute_url())
    assert 'http-equiv="refresh"' not in html  # a finished job stops refreshing
    assert "replaced" in html
    refs = set(Component.all_objects.values_list("ref", flat=True))
    assert ADDED in refs and REMOVED not in refs
    assert Component.all_objects.get(ref=RETITLED).title == NEW_TITLE
    first, second = FindingAidVersion.objects.order_by("id")
    assert (first.loaded_by, second.loaded_by) == ("command line", "archivist")
    assert second.note == "revised" and second.job_id == job.pk
    assert second.component_count == 142
    # a job cannot be loaded twice
    staff_client.post(reverse("admin:workflow_uploadjob_load", args=[job.pk]))
    assert FindingAidVersion.objects.count() == 2


def test_a_failed_load_leaves_what_was_loaded_before(staff_client, edited_demo_001):
    load_file(DEMO / "DEMO-001.xml")
    job = upload(staff_client, edited_demo_001)
    # the stored upload is damaged between the check and the load
    stored = Path(job.files[0]["path"])
    stored.write_bytes(stored.read_bytes()[:30000])
    job = confirm(staff_client, job)
    assert job.status == UploadJob.FAILED
    assert job.errors and job.errors[0].startswith("DEMO-001.xml:")
    assert Component.all_objects.count() == 142
    assert Component.all_objects.get(ref=RETITLED).title == "Founding meetings"
    assert FindingAidVersion.objects.count() == 1


def test_other_records_show_added_and_changed_counts(staff_client):
    roster = DEMO.parent / "roster.yaml"
    job = upload(staff_client, roster)
    [entry] = job.report
    assert entry["format"] == "roster-yaml"
    assert entry["record_counts"]["added"] == entry["records"] > 0
    job = confirm(staff_client, job)
    assert job.status == UploadJob.DONE
    again = upload(staff_client, roster)
    assert again.report[0]["record_counts"] == {"added": 0, "changed": entry["records"]}
    assert "already loaded" in page(staff_client, again.get_absolute_url())


def test_versions_are_listed_compared_and_restored(staff_client, edited_demo_001):
    load_file(DEMO / "DEMO-001.xml")
    confirm(staff_client, upload(staff_client, edited_demo_001, note="revised"))
    first, second = FindingAidVersion.objects.order_by("id")

    listing = page(
        staff_client, "/admin/workflow/findingaidversion/?collection_identifier=DEMO-001"
    )
    assert "revised" in listing and "command line" in listing
    collection = Collection.all_objects.get()
    assert "collection_identifier=DEMO-001" in page(
        staff_client, f"/admin/findingaids/collection/{collection.pk}/change/"
    )

    compare_url = reverse("admin:workflow_findingaidversion_compare")
    for b in ("current", str(second.pk)):
        html = page(staff_client, f"{compare_url}?a={first.pk}&b={b}")
        assert "1 added" in html and "1 removed" in html and "1 changed" in html
        assert ADDED in html and REMOVED in html and NEW_TITLE in html

    restore_url = reverse("admin:workflow_findingaidversion_restore", args=[first.pk])
    html = page(staff_client, restore_url)
    assert "restore-button" in html and REMOVED in html
    response = staff_client.post(restore_url, {"note": "undo the revision"})
    job_id = int(re.search(r"/(\d+)/job/$", response.url).group(1))
    assert jobs.wait(job_id, 300)
    job = UploadJob.objects.get(pk=job_id)
    assert job.status == UploadJob.DONE, job.errors
    assert job.kind == UploadJob.RESTORE and job.restore_of_id == first.pk

    refs = set(Component.all_objects.values_list("ref", flat=True))
    assert REMOVED in refs and ADDED not in refs
    assert Component.all_objects.get(ref=RETITLED).title == "Founding meetings"
    assert FindingAidSource.objects.get().sha256 == first.sha256
    third = FindingAidVersion.objects.order_by("id").last()
    assert (third.sha256, third.note, third.loaded_by) == (
        first.sha256,
        "undo the revision",
        "archivist",
    )
    # the restore is itself a version: restoring the revision undoes it
    response = staff_client.post(
        reverse("admin:workflow_findingaidversion_restore", args=[second.pk])
    )
    job_id = int(re.search(r"/(\d+)/job/$", response.url).group(1))
    assert jobs.wait(job_id, 300)
    assert Component.all_objects.get(ref=RETITLED).title == NEW_TITLE
    assert FindingAidVersion.objects.count() == 4


def test_the_command_line_records_versions_once_per_change(tmp_path):
    assert load_file(DEMO / "DEMO-002.xml").status == "loaded"
    assert load_file(DEMO / "DEMO-002.xml").status == "unchanged"
    [version] = FindingAidVersion.objects.all()
    assert version.loaded_by == "command line"
    assert version.component_count == Collection.all_objects.get().component_count
    stored = jobs.uploads_dir().parent / "versions" / version.stored
    assert stored.exists() and stored.stat().st_size < version.size  # compressed


def test_a_job_whose_process_is_gone_is_marked_failed(staff_client):
    job = UploadJob.objects.create(status=UploadJob.RUNNING, worker=f"{jobs.worker_name()}")
    html = page(staff_client, job.get_absolute_url())
    job.refresh_from_db()
    assert job.status == UploadJob.FAILED and "interrupted" in job.errors[-1]
    assert "interrupted" in html


def test_the_bytes_already_loaded_change_nothing(staff_client):
    load_file(DEMO / "DEMO-003.xml")
    job = upload(staff_client, DEMO / "DEMO-003.xml")
    changes = job.report[0]["changes"]
    assert changes["collection_status"] == "unchanged"
    assert changes["counts"]["unchanged"] == Collection.all_objects.get().component_count
    assert "No change" in page(staff_client, job.get_absolute_url())
    job = confirm(staff_client, job)
    assert job.status == UploadJob.DONE and job.results[0]["status"] == "unchanged"
    assert FindingAidVersion.objects.count() == 1


def test_an_upload_whose_second_file_replaces_the_first_says_so(staff_client, corpus):
    # the two C1571 files (EAD3 in its two namespaces) share one identifier
    first, second = corpus / "saa-c1571-ead3.xml", corpus / "saa-c1571-ead3-undeprecated.xml"
    job = confirm(staff_client, upload(staff_client, first, second))
    assert job.status == UploadJob.DONE, job.errors
    statuses = {r["name"]: r["status"] for r in job.results}
    assert statuses == {first.name: "superseded", second.name: "loaded"}
    [warning] = [w for r in job.results for w in r["warnings"]]
    assert first.name in warning and second.name in warning and str(corpus) not in warning
    assert warning in page(staff_client, job.get_absolute_url())
    assert Collection.objects.count() == 1
