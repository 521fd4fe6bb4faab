"""fonds: publish an archive's subject portal."""

__version__ = "0.1.0"
