"""Drop the index of case events by actor: events are read per case (through the unique (case, seq)); only
deleting a user looks them up by actor, a rare administrator action that a scan serves. On the simulated year
it was the costliest index left to build (3 M rows). As in 0006, only the index is dropped in the database."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import Index


def drop_index(apps, schema_editor):
    model = apps.get_model("cases", "caseevent")
    column = model._meta.get_field("actor").column
    for name in schema_editor._constraint_names(model, [column], index=True, type_=Index.suffix):
        schema_editor.execute(schema_editor._delete_index_sql(model, name))


def create_index(apps, schema_editor):
    model = apps.get_model("cases", "caseevent")
    schema_editor.execute(schema_editor._create_index_sql(model, fields=[model._meta.get_field("actor")]))


class Migration(migrations.Migration):

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("cases", "0007_remove_case_event_action_at"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(drop_index, create_index)],
            state_operations=[
                migrations.AlterField(
                    model_name="caseevent",
                    name="actor",
                    field=models.ForeignKey(blank=True, db_index=False, null=True,
                                            on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                            to=settings.AUTH_USER_MODEL, verbose_name="操作人"),
                ),
            ],
        ),
    ]
