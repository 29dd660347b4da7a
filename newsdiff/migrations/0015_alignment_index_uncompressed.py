"""PostgreSQL stores the alignment index uncompressed.

The index (`AlignmentIndex.data`) is 26 MB of float vectors at 1,000 articles and is written again by
every incremental run: PostgreSQL's TOAST compression (pglz) took 2.4 s of a 5 s "one more article"
there, for almost no gain on float data. EXTERNAL keeps it out of line, uncompressed: 0.8 s. Other
databases have no such setting; the migration does nothing there.
"""
from django.db import migrations


def uncompressed(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        table = schema_editor.quote_name(apps.get_model("newsdiff", "AlignmentIndex")._meta.db_table)
        schema_editor.execute(f"ALTER TABLE {table} ALTER COLUMN data SET STORAGE EXTERNAL")


def compressed(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        table = schema_editor.quote_name(apps.get_model("newsdiff", "AlignmentIndex")._meta.db_table)
        schema_editor.execute(f"ALTER TABLE {table} ALTER COLUMN data SET STORAGE EXTENDED")


class Migration(migrations.Migration):
    dependencies = [("newsdiff", "0014_pair_a_without_own_index")]

    operations = [migrations.RunPython(uncompressed, compressed)]
