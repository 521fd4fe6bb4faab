"""The permission matrix of uploads and finding-aid versions, with the real roles:
upload, dry run, load, compare, restore, delete a version; as an administrator, an
archivist, a contributor and an anonymous visitor.

Real background threads (the test waits for them), so the database is committed: one
test per visitor, each action in turn on what the others left.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from fonds.findingaids.models import Collection, Component
from fonds.loader import load_file
from fonds.workflow import jobs
from fonds.workflow.models import FindingAidVersion, UploadJob
from tests.factories import ead2002, folders, write
from tests.staff.permissions import (
    ANONYMOUS,
    EDITORS,
    ONLY_ADMINISTRATORS,
    VISITORS,
    client_for,
    refused,
)

pytestmark = pytest.mark.django_db(transaction=True)

UPLOAD = "/admin/workflow/uploadjob/upload/"
VERSIONS = "/admin/workflow/findingaidversion/"


def root_job(path: Path) -> UploadJob:
    """An upload checked by the same code the admin runs, made by someone else."""
    root = get_user_model().objects.get_or_create(username="root", is_superuser=True)[0]
    job = UploadJob.objects.create(created_by=root, created_by_name="root")
    folder = jobs.job_dir(job)
    folder.mkdir(parents=True, exist_ok=True)
    stored = folder / f"01-{path.name}"
    stored.write_bytes(path.read_bytes())
    job.files = [{"name": path.name, "path": str(stored), "size": stored.stat().st_size}]
    job.save(update_fields=["files"])
    jobs.check(job)
    assert job.status == UploadJob.CHECKED, job.errors
    return job


class Archive:
    """WF-1 loaded twice (two versions, three folders then four), and files to upload."""

    def __init__(self, tmp_path: Path) -> None:
        for name in ("first", "second", "third"):
            (tmp_path / name).mkdir()
        self.first = write(tmp_path / "first" / "wf.xml", ead2002("WF-1", folders(3)))
        self.second = write(tmp_path / "second" / "wf.xml", ead2002("WF-1", folders(4)))
        self.third = write(tmp_path / "third" / "wf.xml", ead2002("WF-1", folders(5)))
        assert load_file(self.first).status == "loaded"
        assert load_file(self.second).status == "replaced"

    def folders(self) -> int:
        return Component.all_objects.filter(collection__identifier="WF-1").count()

    def version(self, number: int) -> FindingAidVersion:
        return FindingAidVersion.objects.filter(collection_identifier="WF-1").order_by("id")[
            number - 1
        ]


def get(client: Client, visitor: str, address: str) -> bool:
    response = client.get(address)
    if response.status_code == 200:
        return True
    refused(visitor, response)
    return False


def upload_with_dry_run(client: Client, visitor: str, archive: Archive) -> bool:
    before = UploadJob.objects.count()
    with open(archive.third, "rb") as handle:
        response = client.post(UPLOAD, {"upload": [handle], "note": "by the matrix"})
    if response.status_code != 302 or "/job/" not in response["Location"]:
        refused(visitor, response)
        assert UploadJob.objects.count() == before, "a refused upload made a job"
        return False
    job_id = int(re.search(r"/(\d+)/job/$", response["Location"]).group(1))
    assert jobs.wait(job_id, 120)
    job = UploadJob.objects.get(pk=job_id)
    assert job.status == UploadJob.CHECKED, job.errors
    assert job.report[0]["changes"]["counts"]["added"] == 1  # the fifth folder
    page = client.get(job.get_absolute_url())
    assert page.status_code == 200 and "load-button" in page.content.decode()
    assert archive.folders() == 4, "a dry run changed the collection"
    return True


def see_a_dry_run(client: Client, visitor: str, archive: Archive) -> bool:
    job = root_job(archive.third)
    response = client.get(job.get_absolute_url())
    if response.status_code == 200:
        assert "f5" in response.content.decode()
        return True
    refused(visitor, response)
    return False


def load(client: Client, visitor: str, archive: Archive) -> bool:
    job = root_job(archive.third)
    response = client.post(reverse("admin:workflow_uploadjob_load", args=[job.pk]))
    if visitor == ANONYMOUS or response.status_code == 403:
        refused(visitor, response)
    assert jobs.wait(job.pk, 120)
    job.refresh_from_db()
    if job.status == UploadJob.DONE:
        assert archive.folders() == 5
        load_file(archive.second)  # back to four folders for the next action
        return True
    assert job.status == UploadJob.CHECKED and archive.folders() == 4
    return False


def compare(client: Client, visitor: str, archive: Archive) -> bool:
    address = reverse("admin:workflow_findingaidversion_compare")
    response = client.get(f"{address}?a={archive.version(1).pk}&b=current")
    if response.status_code == 200:
        assert "1 removed" in response.content.decode() or "1 added" in response.content.decode()
        return True
    refused(visitor, response)
    return False


def restore(client: Client, visitor: str, archive: Archive) -> bool:
    first = archive.version(1)
    address = reverse("admin:workflow_findingaidversion_restore", args=[first.pk])
    before = UploadJob.objects.count()
    response = client.post(address, {"note": "by the matrix"})
    if response.status_code != 302 or "/job/" not in response["Location"]:
        refused(visitor, response)
        assert UploadJob.objects.count() == before and archive.folders() == 4
        return False
    job_id = int(re.search(r"/(\d+)/job/$", response["Location"]).group(1))
    assert jobs.wait(job_id, 120)
    assert UploadJob.objects.get(pk=job_id).status == UploadJob.DONE
    assert archive.folders() == 3
    load_file(archive.second)
    return True


def delete_version(client: Client, visitor: str, archive: Archive) -> bool:
    version = archive.version(1)
    response = client.post(f"{VERSIONS}{version.pk}/delete/", {"post": "yes"})
    gone = not FindingAidVersion.objects.filter(pk=version.pk).exists()
    if not gone:
        refused(visitor, response)
    return gone


MATRIX: list[tuple[str, frozenset[str], Callable[[Client, str, Archive], bool]]] = [
    ("see the uploads", EDITORS, lambda c, v, a: get(c, v, "/admin/workflow/uploadjob/")),
    ("open the upload form", EDITORS, lambda c, v, a: get(c, v, UPLOAD)),
    ("upload, with its dry run", EDITORS, upload_with_dry_run),
    ("see someone's dry run", EDITORS, see_a_dry_run),
    ("load a checked upload", EDITORS, load),
    ("see the versions", EDITORS, lambda c, v, a: get(c, v, VERSIONS)),
    ("compare versions", EDITORS, compare),
    ("restore a version", EDITORS, restore),
    ("delete a version", ONLY_ADMINISTRATORS, delete_version),
]


@pytest.mark.parametrize("visitor", VISITORS)
def test_uploads_and_versions_by_role(tmp_path, visitor):
    archive = Archive(tmp_path)
    client = client_for(visitor)
    wrong: list[str] = []
    for action, allowed, act in MATRIX:
        expected = visitor in allowed
        try:
            done = act(client, visitor, archive)
        except AssertionError as error:
            wrong.append(f"{action}: {error}")
            continue
        if done is not expected:
            wrong.append(f"{action}: {'refused' if expected else 'allowed'}")
    assert not wrong, f"{visitor}:\n" + "\n".join(wrong)
    assert Collection.all_objects.filter(identifier="WF-1").exists()


def test_a_contributor_finds_no_uploads_in_the_admin(tmp_path):
    html = client_for("contributor").get("/admin/").content.decode()
    assert "/admin/workflow/" not in html and "Upload" not in html
