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


class SearchRecord(models.Model):
    """The PostgreSQL backend's index, one row per search document.

    Text arrives analyzed (folded words and romanization keys, as for the embedded
    backend); on PostgreSQL the migrations add a generated ``tsvector`` column (the
    ``fonds`` configuration: simple + unaccent) with a GIN index, a ``text[]`` of
    ``facet=value`` strings with a GIN index, and the ``search_nameword`` table of
    name words with a trigram index. With the embedded backend the table stays empty.
    """

    key = models.CharField(max_length=500, unique=True)
    owner = models.CharField(max_length=300, db_index=True)
    doc_type = models.CharField(max_length=20)
    title = models.TextField(blank=True)
    names = models.TextField(blank=True)
    variants = models.TextField(blank=True)
    body = models.TextField(blank=True)
    context = models.TextField(blank=True)
    keys = models.TextField(blank=True)
    context_keys = models.TextField(blank=True)
    facets = models.JSONField(default=dict)
    begin = models.IntegerField(null=True)
    end = models.IntegerField(null=True)
    boost = models.FloatField(default=0.0)
    sort_title = models.CharField(max_length=200, blank=True)
    data = models.JSONField(default=dict)
    text = models.TextField(blank=True)
    available = models.IntegerField(
        default=0, help_text="Under embargo until this day (20261204); 0: none."
    )

    def __str__(self) -> str:
        return self.key
