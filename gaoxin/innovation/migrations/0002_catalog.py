from django.db import migrations


def catalog(apps, schema_editor):
    from gaoxin.indicators.catalog import catalog_ensure

    catalog_ensure(apps)  # F039, F041, F043–F051 and F089 become computed (issue 22)


class Migration(migrations.Migration):
    dependencies = [("innovation", "0001_initial"), ("indicators", "0003_submission_history"),
                    ("talent", "0002_programs")]
    operations = [migrations.RunPython(catalog, migrations.RunPython.noop)]
