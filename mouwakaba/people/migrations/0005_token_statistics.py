"""PostgreSQL: finer statistics on search tokens.

Names are many and evenly common; with the default statistics a prefix range such as
"hassan…" was estimated at one row instead of 12,825, and the planner chose a nested loop
that took 49 s at 1,000,000 persons (bench/registry.py). With 2,000 buckets and most-common
values the estimates hold and the same search takes about 25 ms. SQLite needs nothing.
"""

from django.db import migrations

TARGET = 2000


def raise_statistics(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"ALTER TABLE people_persontoken ALTER COLUMN token SET STATISTICS {TARGET}"
        )


def restore_statistics(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE people_persontoken ALTER COLUMN token SET STATISTICS -1")


class Migration(migrations.Migration):
    dependencies = [("people", "0004_token_index_by_person")]

    operations = [migrations.RunPython(raise_statistics, restore_statistics, elidable=False)]
