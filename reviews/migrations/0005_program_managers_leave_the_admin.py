"""Program managers no longer use the Django admin: it is for site operators (superusers)
only, and managers run their calls in the portal's pages, scoped to their programs. The
"Program managers" group (admin permissions only) goes, and managers who are not
superusers lose the staff flag that let them log in to the admin."""

from django.db import migrations

GROUP = "Program managers"


def leave_the_admin(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()
    User = apps.get_model("accounts", "User")
    User.objects.filter(program_manager__isnull=False, is_staff=True, is_superuser=False).update(
        is_staff=False
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_user_email_opt_out"),
        ("programs", "0003_cycle_activity"),
        ("reviews", "0004_program_managers_group"),
    ]

    # Not reversed: which managers had the staff flag before is not recorded.
    operations = [migrations.RunPython(leave_the_admin, migrations.RunPython.noop)]
