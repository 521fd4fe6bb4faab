"""Pure readers and writers of the archival exchange formats.

Nothing here imports Django: each reader takes bytes or a path and yields plain
dataclasses, so loaders, exporters, the API and tests share one implementation.
"""
