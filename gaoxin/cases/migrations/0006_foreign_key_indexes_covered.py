"""Drop the single-column indexes of foreign keys whose column already leads a composite index or a unique
constraint of the same table (the composite serves every lookup by that column):

- cases_case: category (case_category_reported), street (case_street_registered), center (case_center_state),
  assignee (case_assignee_state);
- cases_caseevent: case (case_event_unique_seq);
- cases_supervisionnotice: case (supervision_once_per_case_node), unit (supervision_unit_created).

The state change is ``db_index=False``; in the database only the index is dropped (``AlterField`` would remake
the whole table on SQLite to drop an index)."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Index

COVERED = [("case", "category"), ("case", "street"), ("case", "center"), ("case", "assignee"),
           ("caseevent", "case"), ("supervisionnotice", "case"), ("supervisionnotice", "unit")]


def drop_indexes(apps, schema_editor):
    for model_name, field_name in COVERED:
        model = apps.get_model("cases", model_name)
        column = model._meta.get_field(field_name).column
        for name in schema_editor._constraint_names(model, [column], index=True, type_=Index.suffix):
            schema_editor.execute(schema_editor._delete_index_sql(model, name))


def create_indexes(apps, schema_editor):
    for model_name, field_name in COVERED:
        model = apps.get_model("cases", model_name)
        field = model._meta.get_field(field_name)
        schema_editor.execute(schema_editor._create_index_sql(model, fields=[field]))


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0001_initial"),
        ("cases", "0005_rollup"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(drop_indexes, create_indexes)],
            state_operations=[
                migrations.AlterField(
                    model_name="case",
                    name="assignee",
                    field=models.ForeignKey(blank=True, db_index=False, null=True,
                                            on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                            to="accounts.orgunit", verbose_name="处置单位"),
                ),
                migrations.AlterField(
                    model_name="case",
                    name="category",
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT,
                                            related_name="cases", to="cases.category", verbose_name="类别"),
                ),
                migrations.AlterField(
                    model_name="case",
                    name="center",
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT,
                                            related_name="+", to="accounts.orgunit", verbose_name="受理城运中心"),
                ),
                migrations.AlterField(
                    model_name="case",
                    name="street",
                    field=models.ForeignKey(blank=True, db_index=False, null=True,
                                            on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                            to="accounts.orgunit", verbose_name="办事处"),
                ),
                migrations.AlterField(
                    model_name="caseevent",
                    name="case",
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT,
                                            related_name="events", to="cases.case"),
                ),
                migrations.AlterField(
                    model_name="supervisionnotice",
                    name="case",
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT,
                                            related_name="supervision_notices", to="cases.case"),
                ),
                migrations.AlterField(
                    model_name="supervisionnotice",
                    name="unit",
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT,
                                            related_name="+", to="accounts.orgunit", verbose_name="责任单位"),
                ),
            ],
        ),
    ]
