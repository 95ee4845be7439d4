# The problem type becomes a real reference to the case engine's enterprise categories, and each problem keeps
# the case it became. No problem rows existed before this migration.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0001_initial"),
        ("enterprises", "0002_reference_data"),
    ]

    operations = [
        migrations.RemoveField(model_name="enterpriseproblem", name="problem_type"),
        migrations.AddField(
            model_name="enterpriseproblem",
            name="category",
            field=models.ForeignKey(
                limit_choices_to={"kind": "enterprise"},
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="cases.category",
                verbose_name="问题类型",
                default=None,
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="enterpriseproblem",
            name="case",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="enterprise_problem",
                to="cases.case",
                verbose_name="案件",
            ),
        ),
    ]
