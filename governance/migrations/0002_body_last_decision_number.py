from django.db import migrations, models
from django.db.models import Max


def fill_last_number(apps, schema_editor):
    """Start each body's counter at its highest decision number so far."""
    Body = apps.get_model("governance", "Body")
    Decision = apps.get_model("governance", "Decision")
    for row in Decision.objects.values("body_id").annotate(last=Max("number")):
        Body.objects.filter(pk=row["body_id"]).update(last_decision_number=row["last"])


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="body",
            name="last_decision_number",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.RunPython(fill_last_number, migrations.RunPython.noop),
    ]
