from django.db import migrations


def fill(apps, schema_editor):
    """Every existing submitted review's score and every application's aggregate."""
    from reviews.aggregates import rebuild_cycle

    Cycle = apps.get_model("programs", "Cycle")
    for cycle_id in Cycle.objects.values_list("pk", flat=True):
        rebuild_cycle(cycle_id, registry=apps)


class Migration(migrations.Migration):
    dependencies = [("reviews", "0008_score_aggregates")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
