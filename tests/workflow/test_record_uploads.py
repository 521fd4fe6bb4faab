"""Uploads of the other kinds of file, from the shared corpus: an EAC-CPF record, a
bibliography in BibLaTeX and a TimelineJS file, each checked (the dry run counts what
is new and what is there already), then loaded; and the progress of a larger finding
aid, read from its job page while it loads.

Real database, real loader, real background threads, as in test_admin.py.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import lxml.html
import pytest

from fonds.authorities.models import Agent
from fonds.bibliography.models import Work
from fonds.devtools.synthetic import write_file
from fonds.findingaids.models import Collection
from fonds.loader import load_file
from fonds.timeline.models import Event
from fonds.workflow import jobs
from fonds.workflow.models import UploadJob
from tests.conftest import corpus_file

from .test_admin import confirm, page, upload

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(
    "name,model,records,what,kind",
    [
        ("aspace-eac-feynman.xml", Agent, 1, "roster records", "eac-cpf"),
        ("citationjs-biblatex-input.bib", Work, 28, "works of the bibliography", "bibtex"),
        ("timelinejs-eras.json", Event, 20, "timeline events", "timelinejs"),
    ],
)
def test_a_record_file_is_checked_then_loaded(staff_client, name, model, records, what, kind):
    path = corpus_file(name)
    job = upload(staff_client, path, note=f"{kind} from the corpus")
    assert job.status == UploadJob.CHECKED, job.errors
    [entry] = job.report
    assert (entry["format"], entry["records"], entry["what"]) == (kind, records, what)
    assert entry["record_counts"] == {"added": records, "changed": 0}
    html = page(staff_client, job.get_absolute_url())
    assert f"{records} {what}: {records} added, 0 already loaded" in html
    assert "load-button" in html
    assert model.objects.count() == 0, "the dry run saved something"

    job = confirm(staff_client, job)
    assert job.status == UploadJob.DONE, job.errors
    assert job.results[0]["status"] == "loaded" and job.results[0]["records"] == records
    assert model.objects.count() == records
    assert "loaded" in page(staff_client, job.get_absolute_url())

    again = upload(staff_client, path)
    assert again.report[0]["record_counts"] == {"added": 0, "changed": records}
    assert f"{records} already loaded" in page(staff_client, again.get_absolute_url())


def test_a_broken_eac_cpf_file_gets_the_command_lines_error(staff_client):
    path = corpus_file("aspace-eac-duplicate-attr.xml")
    job = upload(staff_client, path)
    assert job.status == UploadJob.INVALID
    expected = load_file(path).error.replace(str(path), path.name)
    assert re.match(r"aspace-eac-duplicate-attr\.xml:\d+:\d+: error: ", expected), expected
    assert job.errors == [expected]
    assert Agent.objects.count() == 0


def progress_shown(html: str) -> tuple[int, int] | None:
    """The job page's progress bar: (done, total), or None when it shows none."""
    bars = lxml.html.fromstring(html).xpath('//progress[@id="job-progress"]')
    if not bars:
        return None
    return int(bars[0].get("value")), int(bars[0].get("max"))


def test_the_job_page_shows_a_larger_finding_aid_loading(staff_client, tmp_path):
    """A generated finding aid of 6 MB (about 20,000 components, several seconds of
    loading: a real 4 MB one loads between two refreshes on a quiet machine): the page,
    read as its refresh would, shows the components done growing between none and all
    while the load runs."""
    path = tmp_path / "larger.xml"
    write_file(path, 6, identifier="LARGER-1")
    job = upload(staff_client, path)
    assert job.status == UploadJob.CHECKED, job.errors
    total = job.report[0]["components"]
    assert total > 10_000

    response = staff_client.post(f"/admin/workflow/uploadjob/{job.pk}/load/")
    assert response.status_code == 302
    seen: list[tuple[int, int]] = []
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        html = page(staff_client, job.get_absolute_url())
        shown = progress_shown(html)
        if shown is not None:
            seen.append(shown)
            assert 'http-equiv="refresh"' in html  # the page keeps refreshing itself
        if 'data-status="done"' in html or 'data-status="failed"' in html:
            break
        time.sleep(0.2)
    assert jobs.wait(job.pk, 600)
    job.refresh_from_db()
    assert job.status == UploadJob.DONE, job.errors
    assert (job.progress_done, job.progress_total) == (total, total)
    done = [value for value, _ in seen]
    assert all(maximum == total for _, maximum in seen), seen
    assert done == sorted(done), f"progress went backwards: {done}"
    between = [value for value in done if 0 < value < total]
    assert between, f"no progress between none and all was shown: {seen}"
    print(f"\nprogress shown while {total:,} components loaded: {sorted(set(done))}")
    assert Collection.all_objects.get().component_count == total


def test_progress_is_kept_in_a_file_beside_the_upload(staff_client, tmp_path):
    """What the page reads: written by the load as it goes, atomically replaced."""
    path = corpus_file("nyu-tam183-new-jewish-agenda.xml")
    job = confirm(staff_client, upload(staff_client, path))
    assert job.status == UploadJob.DONE
    progress = jobs.read_progress(job)
    assert progress is not None
    assert progress["components_done"] == progress["components_total"] == job.progress_total
    assert progress["bytes_done"] == progress["bytes_total"] == Path(path).stat().st_size
