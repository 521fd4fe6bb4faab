"""Search documents carry the day their embargo ends (``available``); every record is
queued to be indexed again, so an index written before knows it too (the embedded
index, whose schema changed, is rebuilt from the queue by the next ``fonds``
command)."""

from django.db import migrations, models


def queue_everything(apps, schema_editor):
    IndexTask = apps.get_model("search", "IndexTask")
    owners = []
    for app, model, kind in (
        ("findingaids", "Collection", "collection"),
        ("authorities", "Agent", "agent"),
        ("timeline", "Event", "event"),
        ("bibliography", "Work", "work"),
    ):
        rows = apps.get_model(app, model).objects.values_list("identifier", flat=True)
        owners += [f"{kind}:{identifier}" for identifier in rows]
    known = set(IndexTask.objects.values_list("owner", flat=True))
    IndexTask.objects.bulk_create(
        [IndexTask(owner=owner) for owner in owners if owner not in known], batch_size=2000
    )


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0003_postgres_text_search"),
        ("findingaids", "0002_publication"),
        ("authorities", "0003_publication"),
        ("timeline", "0002_publication"),
        ("bibliography", "0002_publication"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchrecord",
            name="available",
            field=models.IntegerField(
                default=0, help_text="Under embargo until this day (20261204); 0: none."
            ),
        ),
        migrations.RunPython(queue_everything, migrations.RunPython.noop),
    ]
