"""Small finding aids written inline, for the cases the corpus does not cover."""

from __future__ import annotations

from pathlib import Path

EAD_NS = "urn:isbn:1-931666-22-9"


def ead2002(
    identifier: str = "T-001",
    components: str = "",
    archdesc_extra: str = "",
    title: str = "Test collection",
) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<ead xmlns="{EAD_NS}" xmlns:xlink="http://www.w3.org/1999/xlink">\n'
        f"<eadheader><eadid>{identifier}</eadid><filedesc><titlestmt>"
        f"<titleproper>{title}</titleproper></titlestmt></filedesc></eadheader>\n"
        f'<archdesc level="collection"><did><unittitle>{title}</unittitle>'
        f'<unitid>{identifier}</unitid><unitdate normal="1970/1980">1970-1980</unitdate></did>\n'
        f"{archdesc_extra}<dsc>{components}</dsc></archdesc></ead>\n"
    )


def folders(count: int, prefix: str = "Folder") -> str:
    return "".join(
        f'<c level="file" id="f{i}"><did><unittitle>{prefix} {i}</unittitle>'
        f'<container type="box">1</container><container type="folder">{i}</container>'
        f"</did></c>"
        for i in range(1, count + 1)
    )


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path
