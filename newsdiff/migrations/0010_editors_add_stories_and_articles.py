"""Editors may now create stories and add articles in the admin (issue 14, item 5): both go
through `editing.create_story` / `editing.add_articles`, with ingest's checks."""
from django.db import migrations

GROUP = "Editors"
ADDED = ["add_story", "add_article"]


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("newsdiff")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(*Permission.objects.filter(content_type__app_label="newsdiff", codename__in=ADDED))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name=GROUP):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="newsdiff", codename__in=ADDED))


class Migration(migrations.Migration):
    dependencies = [("newsdiff", "0009_article_author_and_page_html"), ("newsdiff", "0004_editors_group")]

    operations = [migrations.RunPython(grant, revoke)]
