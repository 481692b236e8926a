from django.db import migrations


def create_schemes(apps, schema_editor):
    from cofinancing.schemes import ensure_schemes

    ensure_schemes(apps.get_model("cofinancing", "Scheme"))


class Migration(migrations.Migration):
    dependencies = [("cofinancing", "0001_initial")]

    operations = [migrations.RunPython(create_schemes, migrations.RunPython.noop)]
