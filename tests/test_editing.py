"""The editor's workflow: admin actions and edits, provenance, in-place tagging, survival of re-runs, round trips."""
import itertools
import json
import re

import pytest
from django.db.models import Count, Q
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from newsdiff import editing
from newsdiff.models import AlignedPair, AlignmentJob, Article, Exchange, Outlet, Passage, Speaker, Story, Voice

from .conftest import SEED_STORY, build_story

pytestmark = pytest.mark.django_db
SLUG = "biden-putin-2021-12-07"


@pytest.fixture
def story():
    return build_story(3)


def changelist(model: str) -> str:
    return reverse(f"admin:newsdiff_{model}_changelist")


def run_action(client, model, action, objects, **extra):
    data = {"action": action, "_selected_action": [o.pk for o in objects], "index": 0, **extra}
    return client.post(changelist(model), data, follow=True)


def log_of(obj) -> list[str]:
    return [e.get_change_message() for e in LogEntry.objects.filter(object_id=str(obj.pk),
                                                                    content_type__model=obj._meta.model_name)]


# The group and the account ---------------------------------------------------------------------


def test_the_editors_group_has_exactly_the_workflows_permissions(editor):
    codenames = set(Group.objects.get(name="Editors").permissions.values_list("codename", flat=True))
    assert {"change_alignedpair", "change_passage", "change_exchange", "delete_exchange", "change_speaker",
            "run_alignment", "run_attribution", "view_alignmentjob"} <= codenames
    # They add stories and their articles in the admin (through editing.create_story / add_articles), nothing else.
    assert {c for c in codenames if c.startswith("add_")} == {"add_story", "add_article"}
    assert not {"delete_alignedpair", "delete_passage", "delete_story", "change_story", "delete_article"} & codenames
    assert editor.is_staff and not editor.is_superuser and editor.has_perm("newsdiff.change_alignedpair")


def test_make_editor_refuses_a_missing_or_weak_password(monkeypatch, django_user_model):
    from django.core.management import CommandError

    monkeypatch.delenv("NEWSDIFF_EDITOR_PASSWORD", raising=False)
    with pytest.raises(CommandError, match="NEWSDIFF_EDITOR_PASSWORD"):
        call_command("make_editor", "x", "--noinput")
    monkeypatch.setenv("NEWSDIFF_EDITOR_PASSWORD", "123")
    with pytest.raises(CommandError, match="too short"):
        call_command("make_editor", "x", "--noinput")
    assert not django_user_model.objects.filter(username="x").exists()


@pytest.mark.parametrize("username, message", [("b" * 300, "at most 150 characters"), ("bad name!", "valid username")])
def test_make_editor_refuses_a_username_the_accounts_cannot_hold(monkeypatch, django_user_model, username, message):
    from django.core.management import CommandError

    monkeypatch.setenv("NEWSDIFF_EDITOR_PASSWORD", "a-Long-pass-phrase-9")
    with pytest.raises(CommandError, match=message):
        call_command("make_editor", username, "--noinput")
    assert not django_user_model.objects.exists()


# Admin actions and list edits on pairs ------------------------------------------------------------


def test_confirm_reject_and_relation_actions_tag_pairs_and_log_who_and_what(editor_client, story):
    first, second, third = AlignedPair.objects.order_by("pk")[:3]
    assert run_action(editor_client, "alignedpair", "confirm", [first, second]).status_code == 200
    run_action(editor_client, "alignedpair", "reject", [third])
    run_action(editor_client, "alignedpair", "mark_variant", [first])
    first.refresh_from_db(); second.refresh_from_db(); third.refresh_from_db()
    assert (first.status, first.relation, first.tagged_by) == ("confirmed", "variant", "ed")
    assert (second.status, third.status) == ("confirmed", "rejected") and third.tagged_at is not None
    assert sorted(log_of(first)) == ["relation: paraphrase → variant", "status: proposed → confirmed"]
    assert log_of(third) == ["status: proposed → rejected"]


def test_list_editable_status_and_relation_save_with_provenance(editor_client, story):
    pairs = list(AlignedPair.objects.order_by("-score", "pk"))
    data = {"form-TOTAL_FORMS": len(pairs), "form-INITIAL_FORMS": len(pairs), "_save": "Save"}
    for n, pair in enumerate(pairs):
        data.update({f"form-{n}-id": pair.pk, f"form-{n}-status": pair.status, f"form-{n}-relation": pair.relation})
    data["form-0-status"] = "rejected"
    data["form-0-relation"] = "related"
    response = editor_client.post(changelist("alignedpair"), data, follow=True)
    assert response.status_code == 200
    edited = AlignedPair.objects.get(pk=pairs[0].pk)
    assert (edited.status, edited.relation, edited.tagged_by) == ("rejected", "related", "ed")
    assert AlignedPair.objects.exclude(tagged_by="").count() == 1  # untouched rows are not stamped
    assert log_of(edited)  # Django's own change message, with the fields changed


def test_the_pair_change_page_shows_both_passages_the_diff_and_the_history(editor_client, story):
    pair = AlignedPair.objects.filter(a__text__contains="conquer").get()
    run_action(editor_client, "alignedpair", "confirm", [pair])
    html = editor_client.get(reverse("admin:newsdiff_alignedpair_change", args=[pair.pk])).content.decode()
    assert "<del>conquer</del> <ins>seize</ins>" in html
    assert "Outlet 00" in html and "Outlet 01" in html
    # The decision is listed with who made it: "<li>time · editor · change message</li>".
    assert re.search(r"<li>\d{4}-\d\d-\d\d \d\d:\d\d · ed · [^<]*status: proposed → confirmed[^<]*</li>", html), html


def test_the_pair_changelist_runs_a_fixed_number_of_queries(editor_client, django_assert_max_num_queries):
    counts = []
    for n_articles in (7, 32):  # 21 and 496 pairs: every article's claim aligned to every other's
        story = build_story(n_articles, slug=f"q{n_articles}")
        claim = list(Passage.objects.filter(article__story=story, position=0).order_by("pk"))
        AlignedPair.objects.filter(story=story).delete()
        AlignedPair.objects.bulk_create(AlignedPair(story=story, a=x, b=y, score=0.5, method="test")
                                        for x, y in itertools.combinations(claim, 2))
        assert AlignedPair.objects.filter(story=story).count() == n_articles * (n_articles - 1) // 2
        with django_assert_max_num_queries(14) as captured:
            assert editor_client.get(changelist("alignedpair") + f"?story__id__exact={story.pk}").status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


# Exchanges, passages, speakers, stories, jobs ---------------------------------------------------------


def test_exchanges_are_renamed_in_the_list_and_merged_by_an_action(editor_client, story):
    first, second, empty = Exchange.objects.filter(story=story).order_by("position")
    data = {"form-TOTAL_FORMS": 3, "form-INITIAL_FORMS": 3, "_save": "Save"}
    for n, e in enumerate((first, second, empty)):
        data.update({f"form-{n}-id": e.pk, f"form-{n}-title": e.title, f"form-{n}-position": e.position})
    data["form-0-title"] = "NATO and Ukraine"
    editor_client.post(changelist("exchange") + f"?story__id__exact={story.pk}", data)
    first.refresh_from_db()
    assert (first.title, first.edited_by) == ("NATO and Ukraine", "ed")
    run_action(editor_client, "exchange", "merge", [first, second])
    assert list(Exchange.objects.filter(story=story).order_by("position").values_list("pk", flat=True)) == [
        first.pk, empty.pk]
    assert Passage.objects.filter(article__story=story, exchange=first).count() == 9
    assert any("absorbed" in m for m in log_of(first))
    response = run_action(editor_client, "exchange", "merge", [first])
    assert "Choose at least two exchanges to merge" in response.content.decode()


def test_passages_move_between_exchanges_through_a_confirmation_page(editor_client, story):
    target = Exchange.objects.get(story=story, title="empty row")
    moving = list(Passage.objects.filter(article__story=story, position=2))
    page = run_action(editor_client, "passage", "move_to_exchange", moving)
    assert "Move passages to another exchange" in page.content.decode()
    run_action(editor_client, "passage", "move_to_exchange", moving, apply="Move", exchange=target.pk)
    assert set(Passage.objects.filter(exchange=target).values_list("pk", "exchange_decided_by")) == {
        (p.pk, "editor") for p in moving}
    assert all(log_of(p) for p in moving)


def test_an_editor_sets_a_passages_voice_and_it_is_marked_as_theirs(editor_client, story):
    passage = Passage.objects.filter(article__story=story, position=0).first()
    west = Voice.objects.get(story=story, slug="west")
    url = reverse("admin:newsdiff_passage_change", args=[passage.pk])
    response = editor_client.post(url, {"voice": west.pk, "speaker": "", "exchange": passage.exchange_id})
    assert response.status_code == 302, response.content.decode()[:2000]
    passage.refresh_from_db()
    assert (passage.voice, passage.voice_decided_by, passage.voice_edited_by) == (west, "editor", "ed")
    assert passage.voice_edited_at is not None and log_of(passage)


def test_detected_speakers_get_a_voice_and_the_story_is_re_attributed(editor_client):
    call_command("ingest", str(SEED_STORY), "--no-align", stdout=open("/dev/null", "w"))
    story = Story.objects.get(slug=SLUG)
    # the detected person quoted most often as themselves (not as a "former official" or an analyst)
    speaker = Speaker.objects.filter(story=story, origin="detected").annotate(
        n=Count("passages", filter=Q(passages__voice_rule="cue:unlisted-person"))).order_by("-n", "name").first()
    own_words = set(Passage.objects.filter(speaker=speaker, voice_rule="cue:unlisted-person").values_list("pk", flat=True))
    assert own_words
    press = Voice.objects.get(story=story, is_default=True)
    kremlin = Voice.objects.get(story=story, slug="kremlin")
    assert speaker.voice == press  # attribution found this person; the story file did not list them
    data = {"form-TOTAL_FORMS": 1, "form-INITIAL_FORMS": 1, "_save": "Save",
            "form-0-id": speaker.pk, "form-0-voice": kremlin.pk}
    editor_client.post(changelist("speaker") + f"?q={speaker.name}", data)
    speaker.refresh_from_db()
    assert (speaker.voice, speaker.origin) == (kremlin, "editor")
    response = run_action(editor_client, "speaker", "run_attribution", [speaker])
    assert "attribution re-run on 5 articles" in response.content.decode()
    named = Passage.objects.filter(pk__in=own_words, voice_rule="cue:speaker")  # now a roster speaker
    assert named.count() >= 2 and set(named.values_list("voice", flat=True)) == {kremlin.pk}


def test_run_alignment_from_the_admin_and_its_refusal_while_a_job_runs(editor_client):
    call_command("ingest", str(SEED_STORY), "--no-align", stdout=open("/dev/null", "w"))
    story = Story.objects.get(slug=SLUG)
    response = run_action(editor_client, "story", "run_alignment", [story])
    assert "alignment job" in response.content.decode() and "succeeded" in response.content.decode()
    assert AlignedPair.objects.filter(story=story).exists()
    AlignmentJob.objects.create(story=story, status=AlignmentJob.Status.RUNNING)
    response = run_action(editor_client, "story", "run_alignment", [story])
    assert "already running" in response.content.decode()


def test_alignment_jobs_are_read_only_in_the_admin(editor_client, story):
    job = AlignmentJob.objects.create(story=story, status="succeeded", error="")
    assert editor_client.get(reverse("admin:newsdiff_alignmentjob_change", args=[job.pk])).status_code == 200
    assert editor_client.post(reverse("admin:newsdiff_alignmentjob_change", args=[job.pk]), {}).status_code == 403
    assert editor_client.get(reverse("admin:newsdiff_alignmentjob_add")).status_code == 403


# Decisions survive the jobs, end to end through the commands ------------------------------------------


def test_tags_voices_and_exchanges_set_by_editors_survive_align_and_attribute(editor):
    quiet = open("/dev/null", "w")
    call_command("ingest", str(SEED_STORY), stdout=quiet)  # ingests and aligns
    story = Story.objects.get(slug=SLUG)
    confirmed, rejected = AlignedPair.objects.filter(story=story).order_by("-score")[:2]
    editing.tag_pairs([confirmed], editor, status="confirmed", relation="variant", note="checked")
    editing.tag_pairs([rejected], editor, status="rejected")
    passage = Passage.objects.filter(article__story=story, kind="sentence").first()
    other_voice = Voice.objects.filter(story=story).exclude(pk=passage.voice_id).first()
    editing.set_passages([passage], editor, voice=other_voice)
    first, second = Exchange.objects.filter(story=story).order_by("position")[:2]
    merged = editing.merge_exchanges([first, second], editor)
    editing.edit_exchange(merged, editor, title="Our name for it")
    together = set(Passage.objects.filter(exchange=merged).values_list("pk", flat=True))

    call_command("align", SLUG, stdout=quiet, stderr=quiet)
    call_command("attribute", SLUG, stdout=quiet)
    call_command("align", SLUG, stdout=quiet, stderr=quiet)

    confirmed.refresh_from_db(); rejected.refresh_from_db(); passage.refresh_from_db(); merged.refresh_from_db()
    assert (confirmed.status, confirmed.relation, confirmed.note, confirmed.tagged_by) == (
        "confirmed", "variant", "checked", "ed")
    assert (rejected.status, rejected.tagged_by) == ("rejected", "ed")
    assert (passage.voice, passage.voice_decided_by) == (other_voice, "editor")
    assert (merged.title, merged.edited_by) == ("Our name for it", "ed")
    still = set(Passage.objects.filter(exchange=merged).values_list("pk", flat=True))
    assert len(still & together) >= 0.8 * len(together)  # the merge stays merged


# Tagging in place ----------------------------------------------------------------------------------


def tag_url(pair):
    return reverse("newsdiff:tag_pair", args=[pair.story.slug, pair.pk])


# The record travels ----------------------------------------------------------------------------------


def test_the_export_carries_each_pairs_tags(editor, story):
    from newsdiff.export import story_export

    pair = AlignedPair.objects.first()
    editing.tag_pairs([pair], editor, status="rejected", relation="related", note="different claims")
    exported = next(p for p in story_export(story)["alignments"] if (p["a"], p["b"]) == (pair.a_id, pair.b_id))
    pair.refresh_from_db()
    assert {k: exported[k] for k in ("status", "relation", "tagged_by", "note", "tagged_at")} == {
        "status": "rejected", "relation": "related", "tagged_by": "ed", "note": "different claims",
        "tagged_at": pair.tagged_at.isoformat()}


# flush empties every table with one TRUNCATE, which PostgreSQL refuses inside a test's transaction
# while deferred constraint checks are pending: this test runs in real transactions. Those run after the
# others, once an earlier one's flush has removed the migrations' Editors group: a plain user tags here.
@pytest.mark.django_db(transaction=True)
def test_a_dump_of_a_tagged_story_loads_into_an_empty_database_with_every_tag(django_user_model, story, tmp_path):
    editor = django_user_model.objects.create_user("ed")
    pairs = list(AlignedPair.objects.order_by("pk"))
    editing.tag_pairs(pairs[:2], editor, status="confirmed", note="seen")
    editing.tag_pairs(pairs[2:3], editor, status="rejected", relation="related")
    passage = Passage.objects.first()
    editing.set_passages([passage], editor, voice=Voice.objects.get(story=story, slug="press"))

    def record():
        return (sorted(AlignedPair.objects.values_list("a__text", "b__text", "status", "relation", "note",
                                                       "tagged_by", "tagged_at")),
                sorted(Passage.objects.values_list("text", "voice__slug", "voice_decided_by", "voice_edited_by")),
                sorted(Exchange.objects.values_list("title", "position")))

    before = record()
    dump = tmp_path / "dump.json"
    call_command("dumpdata", "newsdiff", output=str(dump), verbosity=0)
    call_command("flush", interactive=False, verbosity=0)  # an empty database: no users either
    assert not AlignedPair.objects.exists() and not Outlet.objects.exists()
    call_command("loaddata", str(dump), verbosity=0)
    assert record() == before
    assert json.loads(dump.read_text())  # a plain JSON file a person can read


@pytest.mark.parametrize("relation", [value for value, _ in AlignedPair.Relation.choices])
def test_each_relation_action_sets_its_relation(editor_client, story, relation):
    pairs = list(AlignedPair.objects.order_by("pk")[:2])
    AlignedPair.objects.filter(pk__in=[p.pk for p in pairs]).update(relation="paraphrase" if relation != "paraphrase"
                                                                    else "verbatim")
    run_action(editor_client, "alignedpair", f"mark_{relation}", pairs)
    assert set(AlignedPair.objects.filter(pk__in=[p.pk for p in pairs]).values_list("relation", "tagged_by")) == {
        (relation, "ed")}


def test_story_action_re_runs_attribution_and_keeps_editors_voices(editor_client, editor):
    call_command("ingest", str(SEED_STORY), "--no-align", stdout=open("/dev/null", "w"))
    story = Story.objects.get(slug=SLUG)
    passage = Passage.objects.filter(article__story=story, voice__is_default=True, kind="sentence").first()
    editing.set_passages([passage], editor, voice=Voice.objects.get(story=story, slug="kremlin"))
    response = run_action(editor_client, "story", "run_attribution", [story])
    assert "attribution re-run on 5 articles" in response.content.decode()
    passage.refresh_from_db()
    assert (passage.voice.slug, passage.voice_decided_by) == ("kremlin", "editor")


def test_the_article_page_in_the_admin_edits_only_voice_and_speaker_of_its_passages(editor_client, story):
    article = Article.objects.filter(story=story).order_by("source").first()
    passages = list(article.passages.order_by("position"))
    url = reverse("admin:newsdiff_article_change", args=[article.pk])
    page = editor_client.get(url).content.decode()
    assert 'name="passages-0-voice"' in page and 'name="passages-0-text"' not in page
    west = Voice.objects.get(story=story, slug="west")
    data = {"passages-TOTAL_FORMS": len(passages),
            "passages-INITIAL_FORMS": len(passages), "passages-MIN_NUM_FORMS": 0, "passages-MAX_NUM_FORMS": 1000}
    for n, p in enumerate(passages):
        data.update({f"passages-{n}-id": p.pk, f"passages-{n}-article": article.pk,
                     f"passages-{n}-voice": p.voice_id, f"passages-{n}-speaker": ""})
    data["passages-0-voice"] = west.pk
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    first, second = (Passage.objects.get(pk=p.pk) for p in passages[:2])
    assert (first.voice, first.voice_decided_by, first.voice_edited_by) == (west, "editor", "ed")
    assert second.voice_decided_by == "auto"  # untouched rows are not the editor's
    article.refresh_from_db()
    assert article.title == "Report 0" and log_of(article)


# Every path an editor takes records who, when and one log entry ------------------------------------------

OLD = "2000-01-01T00:00:00Z"


def entries(obj) -> list[LogEntry]:
    return list(LogEntry.objects.filter(object_id=str(obj.pk), content_type__model=obj._meta.model_name))


def assert_decided_once(obj, by: str, at: str, message: str = ""):
    """`obj` (re-read) carries the editor and a time, and has exactly one log entry, by that editor."""
    obj.refresh_from_db()
    logged = entries(obj)
    assert (getattr(obj, by), len(logged), logged[0].user.username) == ("ed", 1, "ed")
    assert getattr(obj, at) is not None
    assert message in logged[0].get_change_message()


def list_edit(client, model, rows, fields, story, **new):
    """Post the admin list's form for `rows`, with `new` ({"0-title": ...}) changing some of them."""
    data = {"form-TOTAL_FORMS": len(rows), "form-INITIAL_FORMS": len(rows), "_save": "Save"}
    for n, row in enumerate(rows):
        data[f"form-{n}-id"] = row.pk
        for field in fields:
            value = getattr(row, f"{field}_id", None) if hasattr(row, f"{field}_id") else getattr(row, field)
            data[f"form-{n}-{field}"] = value
    data.update({f"form-{key.replace('_', '-', 1)}": value for key, value in new.items()})
    return client.post(changelist(model) + f"?story__id__exact={story.pk}", data)


def test_a_pair_action_stamps_who_and_when_and_the_updated_time(editor_client, story):
    pair = AlignedPair.objects.order_by("pk").first()
    AlignedPair.objects.filter(pk=pair.pk).update(updated_at=OLD)
    run_action(editor_client, "alignedpair", "confirm", [pair])
    assert_decided_once(pair, "tagged_by", "tagged_at", "status: proposed → confirmed")
    assert pair.updated_at == pair.tagged_at  # bulk_update skips auto_now: the tag sets it


def test_a_pair_list_edit_is_logged_once_with_what_changed(editor_client, story):
    pairs = list(AlignedPair.objects.order_by("-score", "pk"))
    list_edit(editor_client, "alignedpair", pairs, ["status", "relation"], story, **{"0_status": "rejected"})
    assert_decided_once(pairs[0], "tagged_by", "tagged_at", "status: proposed → rejected")
    assert not any(entries(p) for p in pairs[1:])


def test_a_pair_change_form_note_is_a_decision_logged_once(editor_client, story):
    pair = AlignedPair.objects.order_by("pk").first()
    url = reverse("admin:newsdiff_alignedpair_change", args=[pair.pk])
    response = editor_client.post(url, {"status": "proposed", "relation": "paraphrase", "note": "ask the desk"})
    assert response.status_code == 302
    assert_decided_once(pair, "tagged_by", "tagged_at", "note: — → ask the desk")
    assert pair.note == "ask the desk"


def test_a_passage_moved_on_its_change_form_is_pinned_with_who_and_when(editor_client, story):
    passage = Passage.objects.filter(article__story=story, position=2).first()
    target = Exchange.objects.get(story=story, title="empty row")
    url = reverse("admin:newsdiff_passage_change", args=[passage.pk])
    response = editor_client.post(url, {"voice": passage.voice_id, "speaker": "", "exchange": target.pk})
    assert response.status_code == 302
    assert_decided_once(passage, "exchange_edited_by", "exchange_edited_at", "exchange: meeting · hours → empty row")
    assert (passage.exchange, passage.exchange_decided_by, passage.voice_decided_by) == (target, "editor", "auto")


def test_a_passage_voice_set_on_its_change_form_is_logged_once(editor_client, story):
    passage = Passage.objects.filter(article__story=story, position=0).first()
    west = Voice.objects.get(story=story, slug="west")
    url = reverse("admin:newsdiff_passage_change", args=[passage.pk])
    editor_client.post(url, {"voice": west.pk, "speaker": "", "exchange": passage.exchange_id})
    assert_decided_once(passage, "voice_edited_by", "voice_edited_at", "voice: East → West")


def test_a_passage_cannot_be_put_in_another_storys_exchange_and_nothing_changes(editor_client, story):
    other = build_story(2, slug="other")
    passage = Passage.objects.filter(article__story=story, position=0).first()
    foreign = Exchange.objects.filter(story=other).first()
    url = reverse("admin:newsdiff_passage_change", args=[passage.pk])
    response = editor_client.post(url, {"voice": passage.voice_id, "speaker": "", "exchange": foreign.pk})
    assert response.status_code == 200
    assert "must be one of its own story" in response.content.decode()
    passage.refresh_from_db()
    assert (passage.exchange.story, passage.exchange_decided_by, entries(passage)) == (story, "auto", [])


def test_the_move_action_stamps_each_passage_with_who_and_when(editor_client, story):
    target = Exchange.objects.get(story=story, title="empty row")
    moving = list(Passage.objects.filter(article__story=story, position=2))
    run_action(editor_client, "passage", "move_to_exchange", moving, apply="Move", exchange=target.pk)
    for passage in moving:
        assert_decided_once(passage, "exchange_edited_by", "exchange_edited_at", "moved to exchange “empty row”")


def test_a_voice_set_on_the_article_page_is_logged_once_on_the_passage(editor_client, story):
    article = Article.objects.filter(story=story).order_by("source").first()
    passages = list(article.passages.order_by("position"))
    data = {"passages-TOTAL_FORMS": len(passages), "passages-INITIAL_FORMS": len(passages),
            "passages-MIN_NUM_FORMS": 0, "passages-MAX_NUM_FORMS": 1000}
    for n, p in enumerate(passages):
        data.update({f"passages-{n}-id": p.pk, f"passages-{n}-article": article.pk,
                     f"passages-{n}-voice": p.voice_id, f"passages-{n}-speaker": ""})
    data["passages-1-voice"] = Voice.objects.get(story=story, slug="press").pk
    editor_client.post(reverse("admin:newsdiff_article_change", args=[article.pk]), data)
    assert_decided_once(passages[1], "voice_edited_by", "voice_edited_at", "voice: West → Press")
    assert not entries(passages[0]) and not entries(passages[2])


def test_a_speakers_voice_set_in_the_list_is_the_editors_with_who_and_when(editor_client, story):
    east, west = Voice.objects.get(story=story, slug="east"), Voice.objects.get(story=story, slug="west")
    speaker = Speaker.objects.create(story=story, name="Anna Petrova", voice=east, origin="detected")
    list_edit(editor_client, "speaker", [speaker], ["voice"], story, **{"0_voice": west.pk})
    assert_decided_once(speaker, "edited_by", "edited_at", "voice: East → West")
    assert (speaker.voice, speaker.origin) == (west, "editor")


def test_a_speaker_renamed_on_its_change_form_is_logged_once(editor_client, story):
    east = Voice.objects.get(story=story, slug="east")
    speaker = Speaker.objects.create(story=story, name="A. Petrova", voice=east, origin="detected")
    Speaker.objects.create(story=story, name="John Smith", voice=east)
    url = reverse("admin:newsdiff_speaker_change", args=[speaker.pk])
    taken = editor_client.post(url, {"name": "John Smith", "voice": east.pk, "aliases": "[]"})
    assert taken.status_code == 200 and "already has a speaker named" in taken.content.decode()
    assert not entries(speaker)
    assert editor_client.post(url, {"name": "Anna Petrova", "voice": east.pk, "aliases": "[]"}).status_code == 302
    assert_decided_once(speaker, "edited_by", "edited_at", "name: A. Petrova → Anna Petrova")


def test_an_exchange_renamed_and_reordered_in_the_list_is_logged_once_each(editor_client, story):
    rows = list(Exchange.objects.filter(story=story).order_by("position"))
    list_edit(editor_client, "exchange", rows, ["title", "position"], story,
              **{"0_title": "NATO and Ukraine", "2_position": 0})
    assert_decided_once(rows[0], "edited_by", "edited_at", "title: guarantees · expansion → NATO and Ukraine")
    assert_decided_once(rows[2], "edited_by", "edited_at", "position: 2 → 0")
    assert not entries(rows[1]) and rows[1].edited_at is None


def test_a_merge_logs_once_on_the_kept_exchange_and_once_on_each_merged_one(editor_client, story):
    first, second, _ = Exchange.objects.filter(story=story).order_by("position")
    run_action(editor_client, "exchange", "merge", [first, second])
    assert_decided_once(first, "edited_by", "edited_at", "absorbed “meeting · hours”")
    assert [e.get_change_message() for e in entries(second)] == ["merged into “guarantees · expansion” (#%d)" % first.pk]


def test_an_in_place_tag_is_logged_once(editor_client, story):
    pair = AlignedPair.objects.order_by("pk").first()
    editor_client.post(tag_url(pair), {"status": "rejected", "viewed_from": pair.a_id})
    assert_decided_once(pair, "tagged_by", "tagged_at", "status: proposed → rejected")


def test_the_demo_tags_are_decisions_by_their_named_editor_at_the_storys_date():
    call_command("loaddata", "biden_putin_2021", verbosity=0)
    tagged = AlignedPair.objects.exclude(tagged_at=None)
    assert {(p.tagged_by, p.tagged_at.isoformat()) for p in tagged} == {("demo-editor", "2021-12-07T00:00:00+00:00")}
    assert not LogEntry.objects.exists()  # a name from a file, not an account: the rows carry it


def test_a_speaker_added_in_the_admin_is_the_editors_and_must_speak_for_its_own_story(story, admin_client):
    other = build_story(2, slug="other")
    url = reverse("admin:newsdiff_speaker_add")
    foreign = Voice.objects.get(story=other, slug="east")
    refused = admin_client.post(url, {"story": story.pk, "name": "Anna Petrova", "voice": foreign.pk, "aliases": "[]"})
    assert refused.status_code == 200 and "must be one of its own story" in refused.content.decode()
    assert not Speaker.objects.exists()
    east = Voice.objects.get(story=story, slug="east")
    assert admin_client.post(url, {"story": story.pk, "name": "Anna Petrova", "voice": east.pk,
                                   "aliases": "[]"}).status_code == 302
    speaker = Speaker.objects.get()
    logged = entries(speaker)
    assert (speaker.origin, speaker.edited_by, len(logged), logged[0].is_addition()) == ("editor", "admin", 1, True)
