from django.db import migrations, models


def rebuild_map_index(apps, schema_editor):
    """The index is derived data: rebuild it (keys, fragments and their digests) with the
    live service code. That code writes the newest schema, so this call must live in the
    latest migration that changes the index tables: move it there when adding one."""
    if not apps.get_model("portfolio", "MapEntry").objects.exists():
        return
    from smartcity.portfolio.services import mapindex

    mapindex.rebuild_all()


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
        migrations.RunPython(rebuild_map_index, migrations.RunPython.noop),
    ]
