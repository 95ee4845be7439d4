from decimal import Decimal

from django.db import migrations


def programs(apps, schema_editor):
    from gaoxin.talent.services import PROGRAMS

    model = apps.get_model("talent", "TalentProgram")
    for order, (code, name, kind, issuer, review, approve, subsidy) in enumerate(PROGRAMS, start=1):
        model.objects.get_or_create(code=code, defaults={
            "name": name, "kind": kind, "issuer": issuer, "review_days": review, "approve_days": approve,
            "subsidy": Decimal(subsidy), "sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("talent", "0001_initial")]
    operations = [migrations.RunPython(programs, migrations.RunPython.noop)]
