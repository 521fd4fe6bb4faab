"""Publishing: whether a record is shown to the public, and from when.

Every record the public can see (collections, components, roster records, events,
works, pages) is either published or a draft, and may carry an embargo date until
which it stays hidden. :mod:`.models` holds the shared fields and the one
``public()`` test; :mod:`.service` changes a record's state and brings the search
index after it; :mod:`.actions` gives the admin its Publish and Unpublish actions.
See docs/publishing.md.
"""
