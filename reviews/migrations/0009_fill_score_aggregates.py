from django.db import migrations


def fill(apps, schema_editor):
    """Every existing submitted review's score and every application's aggregate."""
    from reviews.aggregates import rebuild_cycle

    Cycle = apps.get_model("programs", "Cycle")
    for cycle_id in Cycle.objects.values_list("pk", flat=True):
        rebuild_cycle(cycle_id, registry=apps)


class Migration(migrations.Migration):
    # After 0011 too (merged from main meanwhile, also after 0007): one leaf.
    dependencies = [("reviews", "0008_score_aggregates"), ("reviews", "0011_export_files")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
