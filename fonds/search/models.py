"""The queue that keeps the search index in step with the database.

A load writes its rows and an ``IndexTask`` in one transaction; after the commit the
index is updated and the task deleted. If the process dies in between, the task is
still there and the next ``fonds`` command (or server start) finishes the job.
"""

from django.db import models


class IndexTask(models.Model):
    owner = models.CharField(
        max_length=300, unique=True, help_text='What to re-index, e.g. "collection:C1752".'
    )
    queued_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.owner
