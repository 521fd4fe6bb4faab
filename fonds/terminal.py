"""The consoles the ``fonds`` commands print through.

What they print is data (titles, file names, error messages), never rich markup:
``:A:`` stays ``:A:`` (not an emoji), ``[bold]`` stays ``[bold]``, and nothing is
coloured by guesswork. Progress bars and tables still draw when the output is a
terminal.
"""

from __future__ import annotations

from rich.console import Console


def console(stderr: bool = False) -> Console:
    return Console(stderr=stderr, highlight=False, soft_wrap=True, emoji=False, markup=False)
