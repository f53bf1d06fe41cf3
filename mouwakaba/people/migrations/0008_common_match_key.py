"""The common match keys and how many persons share each, so that the duplicate check
reads how common "Mohamed" is instead of counting its rows at every registration.

Counted here once from the stored keys; the duplicate batch counts them again at every run
(``duplicates.recount_common_keys``, where the threshold lives: 100 persons).
"""

from django.db import migrations, models

COMMON_KEY_PERSONS = 100


def count_common_keys(apps, schema_editor):
    PersonMatchKey = apps.get_model("people", "PersonMatchKey")
    CommonMatchKey = apps.get_model("people", "CommonMatchKey")
    rows = (
        PersonMatchKey.objects.values("key")
        .annotate(n=models.Count("person"))
        .filter(n__gte=COMMON_KEY_PERSONS)
        .values_list("key", "n")
    )
    CommonMatchKey.objects.bulk_create(
        (CommonMatchKey(key=key, persons=n) for key, n in rows.iterator()), batch_size=5000
    )


class Migration(migrations.Migration):
    dependencies = [("people", "0007_person_name_index")]

    operations = [
        migrations.CreateModel(
            name="CommonMatchKey",
            fields=[
                ("key", models.CharField(max_length=64, primary_key=True, serialize=False)),
                ("persons", models.PositiveIntegerField()),
            ],
        ),
        migrations.RunPython(count_common_keys, migrations.RunPython.noop, elidable=True),
    ]
