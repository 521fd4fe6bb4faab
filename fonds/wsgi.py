"""The WSGI application (``fonds serve`` runs it under waitress; any WSGI server can).

Importing it also does what the first request would otherwise pay for: every view
module imported (the roster's pulls in networkx), the URL patterns compiled, and
fonds' own templates parsed into the cached loader. A collection page answered first
after a start then takes its warm time (docs/portal.md), not a second more.
"""

import os
from pathlib import Path

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fonds.settings")
application = get_wsgi_application()


def warm_up() -> int:
    """Import the views, compile the URL patterns, parse fonds' templates; return how
    many templates were parsed."""
    from django.template import engines
    from django.template.utils import get_app_template_dirs
    from django.urls import get_resolver

    get_resolver().reverse_dict  # noqa: B018 - imports every urls and views module
    package = Path(__file__).resolve().parent
    engine = engines["django"]
    dirs = [Path(d) for d in getattr(engine, "dirs", [])] + list(get_app_template_dirs("templates"))
    parsed = 0
    for folder in dirs:
        if not folder.resolve().is_relative_to(package):
            continue  # Django's admin and others: their first use pays
        for path in sorted(folder.rglob("*.html")):
            engine.get_template(path.relative_to(folder).as_posix())
            parsed += 1
    return parsed


warm_up()
