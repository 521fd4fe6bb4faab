"""One upload job at a time, also between the processes of ``fonds serve --workers``."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from django.conf import settings

from fonds.workflow.jobs import one_at_a_time
from tests.servers import ROOT, fonds_env

HOLDER = textwrap.dedent(
    """
    import os, sys, time
    import django
    os.environ["DJANGO_SETTINGS_MODULE"] = "fonds.settings"
    django.setup()
    from fonds.workflow.jobs import one_at_a_time
    with one_at_a_time():
        print("held", flush=True)
        time.sleep(1)
        open(sys.argv[1], "w").close()
    """
)


def test_a_job_in_another_process_waits_for_the_one_running(tmp_path):
    released = tmp_path / "released"
    env = fonds_env(settings.FONDS_HOME)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(released)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "held"
        with one_at_a_time():
            assert released.exists()  # only once the other process let go
    finally:
        holder.wait(timeout=60)
    assert holder.returncode == 0
