"""The export downloads: the story as JSON, its pairs as CSV."""
import json

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_export_downloads_are_attachments(client, read_only_seed):
    response = client.get(reverse("newsdiff:export", args=["biden-putin-2021-12-07", "json"]))
    assert response["Content-Disposition"] == 'attachment; filename="biden-putin-2021-12-07.json"'
    assert len(json.loads(response.content)["articles"]) == 5
    response = client.get(reverse("newsdiff:export", args=["biden-putin-2021-12-07", "csv"]))
    assert response.content.decode().startswith("a,b,score,relation,status")
    assert client.get("/stories/biden-putin-2021-12-07/export.xml").status_code == 404
