"""The "Editors" group, with exactly the permissions the editor's workflow needs.

Editors read everything a story holds; they change pairs (confirm, reject,
relabel, annotate), passages (voice, speaker, exchange; also from the article
page, whose own fields are read-only), speakers (their
voice) and exchanges (rename, reorder, merge: merging deletes the merged
rows); they run the alignment job and re-run attribution. They cannot add or
delete stories, articles, passages or pairs: those come from ingest and the job.
"""
from django.db import migrations

GROUP = "Editors"
PERMISSIONS = {
    "alignedpair": ["view", "change"],
    "passage": ["view", "change"],
    "speaker": ["view", "change"],
    "exchange": ["view", "change", "delete"],
    "story": ["view", "run_alignment", "run_attribution"],
    "voice": ["view"],
    "article": ["view", "change"],  # every article field is read-only: this opens its passages' voices
    "outlet": ["view"],
    "alignmentjob": ["view"],
}


def codename(model: str, action: str) -> str:
    return action if action.startswith("run_") else f"{action}_{model}"


def create_group(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after migrate; make sure they exist now.
    app_config = apps.get_app_config("newsdiff")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    wanted = [codename(model, action) for model, actions in PERMISSIONS.items() for action in actions]
    found = list(Permission.objects.filter(content_type__app_label="newsdiff", codename__in=wanted))
    missing = set(wanted) - {p.codename for p in found}
    if missing:
        raise RuntimeError(f"permissions not found: {', '.join(sorted(missing))}")
    group.permissions.set(found)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("newsdiff", "0003_editors_by_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
