"""Where an article's outlet comes from, and a warning when no article names one."""
import pytest
from django.core.management import call_command

from newsdiff.ingest import ingest_story
from newsdiff.models import Article

from .conftest import ARTICLE, STORY_TOML

pytestmark = pytest.mark.django_db
OTHER = ARTICLE.replace("Tuesday", "Friday").replace("talks", "meeting")


def test_a_story_whose_outlets_are_all_unknown_says_how_to_name_them(make_story, capsys):
    call_command("ingest", str(make_story({"a.txt": ARTICLE, "b.txt": OTHER})), "--no-align")
    assert set(Article.objects.values_list("outlet__name", flat=True)) == {"Unknown"}
    err = capsys.readouterr().err
    assert "every one is 'Unknown'" in err and 'outlet = "..."' in err and "Source: Outlet name" in err


def test_a_source_line_names_the_outlet_and_silences_the_warning(make_story):
    titled = ARTICLE.split("\n", 1)
    report = ingest_story(make_story({"a.txt": f"{titled[0]}\n\nSource: Daily Planet\n{titled[1]}", "b.txt": OTHER}))
    assert sorted(Article.objects.values_list("outlet__name", flat=True)) == ["Daily Planet", "Unknown"]
    assert not [w for w in report.warnings if "Unknown" in w]


def test_the_story_file_outlet_wins_over_the_source_line(make_story):
    toml = STORY_TOML + '\n[[articles]]\nfile = "a.txt"\noutlet = "Evening Star"\n'
    titled = ARTICLE.split("\n", 1)
    ingest_story(make_story({"a.txt": f"{titled[0]}\n\nSource: Daily Planet\n{titled[1]}"}, toml=toml))
    assert Article.objects.get().outlet.name == "Evening Star"
