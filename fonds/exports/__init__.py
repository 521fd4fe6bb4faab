"""Every export, once: the ``fonds export`` command, the API, the pages and the static
site all take their files from the exporters registered here."""

from .registry import EXPORTERS, Exporter, export, exporter

__all__ = ["EXPORTERS", "Exporter", "export", "exporter"]
