"""Search over every record type: one interface, an embedded and a server backend."""
