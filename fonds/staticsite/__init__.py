"""The whole public portal as static files, with Pagefind's client-side search.

``fonds export-site DIR`` (see docs/static-site.md); :func:`export_site` does the work.
"""

from .exporter import ExportError, Options, Report, export_site

__all__ = ["ExportError", "Options", "Report", "export_site"]
