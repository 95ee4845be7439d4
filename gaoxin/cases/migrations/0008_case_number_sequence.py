"""Case numbers on PostgreSQL come from a sequence counted from a per-day base (see ``CaseNumberCounter``)."""

from django.db import migrations, models

SEQUENCE = "cases_case_number_seq"


def create_sequence(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE SEQUENCE IF NOT EXISTS {SEQUENCE}")


def drop_sequence(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP SEQUENCE IF EXISTS {SEQUENCE}")


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0007_remove_case_event_action_at"),
    ]

    operations = [
        migrations.AddField(
            model_name="casenumbercounter",
            name="base",
            field=models.BigIntegerField(
                blank=True, help_text="PostgreSQL: the sequence value the day's live numbers count from", null=True),
        ),
        migrations.RunPython(create_sequence, drop_sequence),
    ]
