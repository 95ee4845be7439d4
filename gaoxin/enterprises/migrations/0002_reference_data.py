from django.db import migrations


def load(apps, schema_editor):
    from gaoxin.enterprises.reference import reference_data_ensure

    reference_data_ensure(apps)


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
