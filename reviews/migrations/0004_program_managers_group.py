"""The "Program managers" group: the Django admin permissions program managers need for the
data they look after (cycles and their rubric, the technology catalogue, the challenge
board, reviewers) and to look up applications and reviews. The manager's own work —
screening, assignment, decisions, announcement — happens in the portal's pages, checked by
the django-rules permissions, not by these. Reviewers need no admin access."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Program managers"

# app label → model → actions
PERMISSIONS = {
    "programs": {
        "program": ["view", "change"],
        "cycle": ["view", "add", "change"],
        "criterion": ["view", "add", "change", "delete"],
        "technology": ["view", "add", "change"],
        "challenge": ["view", "add", "change"],
        "programmanager": ["view"],
        "cyclephasechange": ["view"],
    },
    "applications": {
        "company": ["view"],
        "application": ["view"],
        "document": ["view"],
        "statuschange": ["view"],
        "consent": ["view"],
    },
    "reviews": {
        "reviewer": ["view", "add", "change"],
        "conflictdeclaration": ["view"],
        "pledgeacceptance": ["view"],
        "assignment": ["view"],
        "review": ["view"],
        "decisionapproval": ["view"],
    },
}


def create_group(apps, schema_editor):
    # Permissions are normally created after all migrations ran (post_migrate); create
    # those of the apps concerned now so that the group can hold them on a fresh database.
    for label in PERMISSIONS:
        config = apps.get_app_config(label)
        config.models_module = True
        create_permissions(config, apps=apps, verbosity=0)
        config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    codenames = [
        (label, f"{action}_{model}")
        for label, models in PERMISSIONS.items()
        for model, actions in models.items()
        for action in actions
    ]
    permissions = []
    for label, codename in codenames:
        permissions.append(Permission.objects.get(content_type__app_label=label, codename=codename))
    group.permissions.add(*permissions)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("programs", "0002_the_three_programs"),
        ("applications", "0001_companies_and_applications"),
        ("reviews", "0003_conflict_declared_on_application"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
