"""Drop the (action, at) index of case events: no query filters or orders events by action and time (events
are read per case through the unique (case, seq)), and on the simulated year it was the costliest index to
keep (3 M rows)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0006_foreign_key_indexes_covered"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="caseevent",
            name="case_event_action_at",
        ),
    ]
