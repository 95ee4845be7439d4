from django.db import migrations


def catalog(apps, schema_editor):
    from gaoxin.indicators.catalog import catalog_ensure

    catalog_ensure(apps)  # issue 22: F039, F041, F043–F051 and F089 become computed


class Migration(migrations.Migration):
    dependencies = [("indicators", "0006_reference_citation")]
    operations = [migrations.RunPython(catalog, migrations.RunPython.noop)]
