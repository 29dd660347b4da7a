"""Editors are recorded by username, not by key, and passage voices record who set them.

A dump of the newsdiff tables then loads into an empty database with every
tagger intact (no user rows needed), and the record outlives the account.
Existing keys are turned into usernames before the key columns go.
"""
from django.conf import settings
from django.db import migrations, models


def keys_to_names(apps, schema_editor):
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    names = dict(User.objects.values_list("pk", "username"))
    for model, old, new in (("AlignedPair", "tagged_by_user", "tagged_by"), ("Exchange", "edited_by_user", "edited_by")):
        Model = apps.get_model("newsdiff", model)
        for row in Model.objects.exclude(**{f"{old}__isnull": True}).only("pk", f"{old}_id"):
            Model.objects.filter(pk=row.pk).update(**{new: names.get(getattr(row, f"{old}_id"), "")})


def names_to_keys(apps, schema_editor):
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    keys = {name: pk for pk, name in User.objects.values_list("pk", "username")}
    for model, old, new in (("AlignedPair", "tagged_by_user", "tagged_by"), ("Exchange", "edited_by_user", "edited_by")):
        Model = apps.get_model("newsdiff", model)
        for row in Model.objects.exclude(**{new: ""}).only("pk", new):
            Model.objects.filter(pk=row.pk).update(**{f"{old}_id": keys.get(getattr(row, new))})


class Migration(migrations.Migration):
    dependencies = [
        ("newsdiff", "0002_alignment_job_and_editor_flags"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField("alignedpair", "tagged_by", "tagged_by_user"),
        migrations.RenameField("exchange", "edited_by", "edited_by_user"),
        migrations.AddField("alignedpair", "tagged_by", models.CharField(
            blank=True, help_text="The editor who last tagged it (username).", max_length=150)),
        migrations.AddField("exchange", "edited_by", models.CharField(blank=True, max_length=150)),
        migrations.RunPython(keys_to_names, names_to_keys),
        migrations.RemoveField("alignedpair", "tagged_by_user"),
        migrations.RemoveField("exchange", "edited_by_user"),
        migrations.AddField("passage", "voice_edited_by", models.CharField(
            blank=True, help_text="The editor who set the voice.", max_length=150)),
        migrations.AddField("passage", "voice_edited_at", models.DateTimeField(blank=True, null=True)),
        migrations.AlterModelOptions("story", {
            "ordering": ["-date", "slug"], "verbose_name_plural": "stories",
            "permissions": [("run_alignment", "Can run the alignment job"),
                            ("run_attribution", "Can re-run voice attribution")],
        }),
    ]
