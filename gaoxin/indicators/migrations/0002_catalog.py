"""Load the indicator catalog (gaoxin/indicators/catalog.py) so that a new installation lists every figure."""

from django.db import migrations


def load(apps, schema_editor):
    from gaoxin.indicators.catalog import catalog_ensure

    catalog_ensure(apps)


class Migration(migrations.Migration):
    dependencies = [("indicators", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
