"""Synthetic EAD 2002 finding aids of any size, written as a stream.

The shape imitates a large organization's records: series, subseries by year,
folders, some folders described down to items; dates with ``normal``, boxes and
folders, mixed content, a few digital objects and Cyrillic names. Output is
deterministic for a given seed.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import TextIO
from xml.sax.saxutils import escape

SUBJECTS = [
    "Refuseniks",
    "Emigration and immigration",
    "Human rights",
    "Demonstrations",
    "Letters to prisoners of conscience",
    "Jackson-Vanik Amendment",
    "Helsinki Accords",
    "Solidarity Sunday",
    "Hebrew teachers",
    "Exit visas",
]
NAMES = [
    "Shcharansky, Anatoly",
    "Щаранский, Анатолий",
    "Slepak, Vladimir",
    "Nudel, Ida",
    "Begun, Iosif",
    "Essas, Eliyahu",
    "Kosharovsky, Yuli",
    "Lerner, Alexander",
]
PLACES = ["Moscow", "Leningrad", "Kiev", "Riga", "Washington, D.C.", "New York", "Cleveland"]
KINDS = ["Correspondence", "Press clippings", "Reports", "Petitions", "Photographs", "Minutes"]


def write_finding_aid(
    out: TextIO,
    target_bytes: int,
    identifier: str = "SYNTH-001",
    seed: int = 1,
    items_every: int = 4,
    max_components: int | None = None,
) -> int:
    """Write a finding aid of about ``target_bytes`` (or ``max_components``, whichever
    comes first); return the number of components."""
    rng = random.Random(seed)  # noqa: S311 - repeatable test data, not secrets
    out.write(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<ead xmlns="urn:isbn:1-931666-22-9" xmlns:xlink="http://www.w3.org/1999/xlink">\n'
        f"<eadheader><eadid>{identifier}</eadid><filedesc><titlestmt>"
        f"<titleproper>Synthetic records {identifier}</titleproper></titlestmt></filedesc>"
        "</eadheader>\n"
        '<archdesc level="collection"><did>'
        "<unittitle>Synthetic records of a national council</unittitle>"
        f"<unitid>{identifier}</unitid>"
        '<unitdate normal="1964/1991" type="inclusive">1964-1991</unitdate>'
        "<physdesc><extent>900 linear feet</extent></physdesc>"
        '<langmaterial><language langcode="eng">English</language>, '
        '<language langcode="rus">Russian</language></langmaterial>'
        "<origination><corpname>Synthetic Council on Soviet Jewry</corpname></origination>"
        '</did>\n<scopecontent><p>Generated for benchmarks: <emph render="italic">not</emph> '
        "real records.</p></scopecontent>\n<dsc>\n"
    )
    written = 600
    components = 0
    box = folder = 0
    series = 0
    limit = max_components if max_components is not None else 1 << 62

    def full() -> bool:
        return written >= target_bytes or components >= limit

    while not full():
        series += 1
        year0 = 1964 + rng.randrange(20)
        head = (
            f'<c level="series" id="{identifier}-s{series}"><did>'
            f"<unittitle>Series {series}: {rng.choice(KINDS)}</unittitle>"
            f'<unitdate normal="{year0}/{year0 + 8}">{year0}-{year0 + 8}</unitdate></did>'
            f"<scopecontent><p>Files of the {rng.choice(PLACES)} office about "
            f"{rng.choice(SUBJECTS).lower()}.</p></scopecontent>\n"
        )
        out.write(head)
        written += len(head)
        components += 1
        for year in range(year0, year0 + 8):
            if full():
                break
            sub = (
                f'<c level="subseries"><did><unittitle>{year}</unittitle>'
                f'<unitdate normal="{year}">{year}</unitdate></did>\n'
            )
            out.write(sub)
            written += len(sub)
            components += 1
            for _ in range(60):
                if full():
                    break
                folder += 1
                if folder > 30:
                    box, folder = box + 1, 1
                name = rng.choice(NAMES)
                month = rng.randrange(1, 13)
                dao = ""
                if rng.random() < 0.02:
                    dao = (
                        f'<dao xlink:type="simple" xlink:href="https://example.org/dao/{components}"'
                        f' xlink:title="Scan {components}"/>'
                    )
                undated = rng.random() < 0.03
                date = (
                    "<unitdate>undated</unitdate>"
                    if undated
                    else f'<unitdate normal="{year}-{month:02d}">{year} {month:02d}</unitdate>'
                )
                text = (
                    f'<c level="file"><did><unittitle>{rng.choice(KINDS)}: {escape(name)}, '
                    f"{rng.choice(PLACES)}</unittitle>{date}"
                    f'<container type="box">{box + 1}</container>'
                    f'<container type="folder">{folder}</container>{dao}</did>'
                    f"<scopecontent><p>Concerning {rng.choice(SUBJECTS).lower()}; mentions "
                    f"<persname>{escape(rng.choice(NAMES))}</persname>.</p></scopecontent>"
                    f"<controlaccess><persname>{escape(name)}</persname>"
                    f"<subject>{rng.choice(SUBJECTS)}</subject></controlaccess>\n"
                )
                components += 1
                if rng.randrange(items_every) == 0:
                    for item in range(1, rng.randrange(2, 6)):
                        text += (
                            f'<c level="item"><did><unittitle>Letter {item} from '
                            f"{escape(rng.choice(NAMES))}</unittitle>"
                            f'<unitdate normal="{year}-{month:02d}-{item:02d}">'
                            f"{year}-{month:02d}-{item:02d}</unitdate></did></c>\n"
                        )
                        components += 1
                text += "</c>\n"
                out.write(text)
                written += len(text.encode("utf-8"))
            out.write("</c>\n")
        out.write("</c>\n")
    out.write("</dsc>\n</archdesc>\n</ead>\n")
    return components


def write_file(
    path: Path,
    megabytes: float,
    identifier: str = "SYNTH-001",
    seed: int = 1,
    max_components: int | None = None,
) -> int:
    with open(path, "w", encoding="utf-8") as out:
        return write_finding_aid(
            out, int(megabytes * 1024 * 1024), identifier, seed, max_components=max_components
        )
