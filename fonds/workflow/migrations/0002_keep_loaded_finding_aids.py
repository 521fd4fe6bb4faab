"""Finding aids loaded before versions were kept become each collection's first version."""

import os
from pathlib import Path

from django.conf import settings
from django.db import migrations
from django.utils import timezone


def keep_loaded(apps, schema_editor):
    Source = apps.get_model("findingaids", "FindingAidSource")
    Version = apps.get_model("workflow", "FindingAidVersion")
    folder = Path(settings.FONDS_HOME) / "versions"
    for source in Source.objects.select_related("collection").iterator():
        collection = source.collection
        stored = f"{collection.identifier}/{source.sha256}.xml.zz"
        path = folder / stored
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
            partial.write_bytes(bytes(source.content))
            os.replace(partial, path)
        Version.objects.create(
            collection_identifier=collection.identifier,
            title=collection.title,
            filename=source.filename,
            sha256=source.sha256,
            size=source.size,
            ead_version=collection.ead_version,
            stored=stored,
            loaded_at=collection.loaded_at or timezone.now(),
            loaded_by="",
            note="loaded before versions were kept",
            component_count=collection.component_count,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("workflow", "0001_initial"),
        ("findingaids", "0001_initial"),
    ]

    operations = [migrations.RunPython(keep_loaded, migrations.RunPython.noop)]
