"""The dry run of an upload: how long it takes to see what a finding aid would change.

    python bench/dryrun.py [--mb 100]

In a fresh FONDS_HOME, DEMO-004 (6,763 components) and a synthetic finding aid of
--mb megabytes are loaded; then each is checked again as the admin's upload checks
it (detect, read the whole file, read what is stored, compare) three ways: the same
bytes, a revision (a few folders removed, added and retitled), and, for the
synthetic one, a different finding aid under the same identifier (the worst case
for the alignment). Peak memory is this process's.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def revise(source: Path, target: Path, edits: int = 3) -> None:
    """Remove, retitle and add ``edits`` folders each, spread over the file."""
    text = source.read_text(encoding="utf-8")
    # folders without items inside (the match stops at the first </c>)
    leaf = r'<c level="file"[^>]*>(?:(?!<c[ >]).)*?</c>\n'
    folders = list(re.finditer(leaf, text, flags=re.S))
    step = max(1, len(folders) // (3 * edits + 1))
    picked = folders[step::step][: 3 * edits]
    pieces, last = [], 0
    for number, match in enumerate(picked):
        pieces.append(text[last : match.start()])
        folder = match.group(0)
        if number % 3 == 0:  # removed
            folder = ""
        elif number % 3 == 1:  # retitled
            folder = folder.replace("<unittitle>", "<unittitle>Revised: ", 1)
        else:  # a new folder after it
            folder += (
                '<c level="file"><did><unittitle>Added folder</unittitle>'
                f'<container type="box">999</container><container type="folder">{number}'
                "</container></did></c>\n"
            )
        pieces.append(folder)
        last = match.end()
    pieces.append(text[last:])
    target.write_text("".join(pieces), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=100)
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="fonds-dryrun-"))
    os.environ["FONDS_HOME"] = str(home)
    os.environ.pop("FONDS_DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fonds.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from fonds.devtools.synthetic import write_file
    from fonds.loader import load_file
    from fonds.workflow.jobs import check_file

    call_command("migrate", verbosity=0)
    demo = ROOT / "fonds" / "demo" / "findingaids" / "DEMO-004.xml"
    synthetic = home / "SYNTH-001.xml"
    started = time.perf_counter()
    components = write_file(synthetic, args.mb)
    print(
        f"synthetic: {synthetic.stat().st_size / 1e6:.0f} MB, {components:,} components "
        f"written in {time.perf_counter() - started:.1f} s"
    )
    other = home / "other" / "SYNTH-001.xml"
    other.parent.mkdir()
    write_file(other, args.mb, seed=2)
    print(f"{'file':34} {'case':12} {'seconds':>8} {'added':>7} {'removed':>7} {'changed':>7}")
    for path in (demo, synthetic):
        started = time.perf_counter()
        result = load_file(path)
        print(f"load {path.name}: {result.status} in {time.perf_counter() - started:.1f} s")
        revised = home / "revised" / path.name
        revised.parent.mkdir(exist_ok=True)
        revise(path, revised)
        cases = [("same bytes", path), ("revised", revised)]
        if path == synthetic:
            cases.append(("different", other))
        for case, candidate in cases:
            started = time.perf_counter()
            entry = check_file(candidate, candidate.name)
            seconds = time.perf_counter() - started
            assert not entry.get("error"), entry.get("error")
            counts = entry["changes"]["counts"]
            print(
                f"{path.name:34} {case:12} {seconds:8.2f} {counts['added']:7,} "
                f"{counts['removed']:7,} {counts['changed']:7,}"
            )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of this process: {peak:.0f} MB")


if __name__ == "__main__":
    main()
