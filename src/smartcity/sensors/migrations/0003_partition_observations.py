"""On PostgreSQL, partition the Observation table by month (see sensors/partitions.py).

SQLite keeps the plain table. The model is unchanged: Django still addresses rows by ``id``.
"""

from django.db import migrations


def partition(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from smartcity.sensors.partitions import is_partitioned, partition_table

    with schema_editor.connection.cursor() as cursor:
        if not is_partitioned(cursor):
            partition_table(cursor)


class Migration(migrations.Migration):
    dependencies = [("sensors", "0002_select_topic")]

    operations = [migrations.RunPython(partition, migrations.RunPython.noop, elidable=False)]
