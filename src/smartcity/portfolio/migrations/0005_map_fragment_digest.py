import hashlib

from django.db import migrations, models


def fill_digests(apps, schema_editor):
    fragment = apps.get_model("portfolio", "MapFragment")
    for pk, body in fragment.objects.values_list("pk", "body").iterator(chunk_size=100):
        digest = hashlib.blake2b(body.encode(), digest_size=16).hexdigest()
        fragment.objects.filter(pk=pk).update(digest=digest)


class Migration(migrations.Migration):
    dependencies = [
        ("portfolio", "0004_map_entry_key_cover"),
    ]

    operations = [
        migrations.AddField(
            model_name="mapfragment",
            name="digest",
            field=models.CharField(default="", max_length=32),
        ),
        migrations.RunPython(fill_digests, migrations.RunPython.noop),
    ]
