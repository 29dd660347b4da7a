"""Encoding at ingest on several processes (encoder_pool): the same encodings as one process, in order,
with every guarantee ingest gives (articles stored whole whatever encoding does), and one task per
article when the tasks backend is a real queue."""
import numpy as np
import pytest
from django_tasks_db.models import DBTaskResult

from newsdiff import encoder_pool, encodings
from newsdiff.align import encoder
from newsdiff.ingest import ingest_story
from newsdiff.models import Article, Encoding, Passage
from newsdiff.tasks import encode_article

from . import pool_workers
from .conftest import SEED_STORY

TEXTS = [f"Delegation {n} met the ministers in Geneva on Tuesday to discuss river shipping." for n in range(9)] + [
    "Short.", "A much longer sentence about tariffs, grain, steel and the winter talks, which went on for hours."]


@pytest.fixture
def pool_for_few_texts(monkeypatch):
    """Let a handful of texts go to the pool: the real threshold keeps small ingests in one process."""
    monkeypatch.setattr(encoder_pool, "POOL_MIN_TEXTS", 2)


def test_a_pool_encodes_what_one_process_does_in_order(pool_for_few_texts):
    chunks = list(encoder_pool.encode_chunks(TEXTS, workers=2, chunk_size=3))
    assert [t for chunk, _ in chunks for t in chunk] == TEXTS
    pooled = [tv for _, vectors in chunks for tv in vectors]
    alone = encoder.encode(TEXTS)
    for p, a in zip(pooled, alone, strict=True):
        assert np.array_equal(p.ids, a.ids)
        np.testing.assert_allclose(p.vectors, a.vectors, atol=5e-3)  # float16 storage precision
        assert np.array_equal(p.vectors, p.vectors.astype(np.float16).astype(np.float32))


def test_few_texts_or_one_worker_stay_in_this_process(monkeypatch):
    def no_pool(*args, **kwargs):
        raise AssertionError("no process pool for this")

    monkeypatch.setattr(encoder_pool, "ProcessPoolExecutor", no_pool)
    assert [t for chunk, _ in encoder_pool.encode_chunks(TEXTS, workers=2) for t in chunk] == TEXTS
    monkeypatch.setattr(encoder_pool, "POOL_MIN_TEXTS", 2)
    assert len(list(encoder_pool.encode_chunks(TEXTS, workers=1, chunk_size=4))) == 3


def test_a_worker_that_dies_is_an_unavailable_encoder(pool_for_few_texts, monkeypatch):
    monkeypatch.setattr(encoder_pool, "_encode_in_worker", pool_workers.die)
    with pytest.raises(encoder.EncoderUnavailable, match="an encoder process died"):
        list(encoder_pool.encode_chunks(TEXTS, workers=2, chunk_size=3))


@pytest.mark.django_db
def test_ingest_on_two_processes_stores_the_encodings_one_process_stores(pool_for_few_texts, settings):
    settings.NEWSDIFF_ENCODE_WORKERS = 2
    report = ingest_story(SEED_STORY)
    texts = set(Passage.objects.values_list("text", flat=True))
    assert (report.encode_workers, report.encoded, report.warnings) == (2, len(texts), [])
    pooled = {row.text_sha256: encodings._decoded(row.token_ids, row.vectors, row.n_tokens, row.dim)
              for row in Encoding.objects.all()}
    assert set(pooled) == {encodings.text_key(t) for t in texts}
    for text, alone in zip(sorted(texts), encoder.encode(sorted(texts))):
        stored = pooled[encodings.text_key(text)]
        assert np.array_equal(stored.ids, alone.ids)
        np.testing.assert_allclose(stored.vectors, alone.vectors, atol=5e-3)


@pytest.mark.django_db
def test_ingest_whose_encoder_process_dies_keeps_every_article_and_warns(pool_for_few_texts, monkeypatch, settings):
    settings.NEWSDIFF_ENCODE_WORKERS = 2
    monkeypatch.setattr(encoder_pool, "_encode_in_worker", pool_workers.die)
    report = ingest_story(SEED_STORY)
    assert report.summary() == "5 created"
    assert Article.objects.count() == 5 and Passage.objects.count() > 100
    assert [w for w in report.warnings if w.startswith("passages not encoded: an encoder process died")]
    assert not Encoding.objects.exists()  # the alignment encodes them


@pytest.mark.django_db
def test_a_queued_backend_gets_one_encoding_task_per_article(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    report = ingest_story(SEED_STORY)
    assert (report.encode_queued, report.encoded) == (5, 0)
    assert not Encoding.objects.exists()  # nothing encoded by the ingest itself
    queued = DBTaskResult.objects.filter(task_path="newsdiff.tasks.encode_article")
    assert sorted(t.args_kwargs["args"][0] for t in queued) == sorted(Article.objects.values_list("pk", flat=True))
    article = Article.objects.order_by("pk").first()
    result = encode_article.call(article.pk)  # what a worker runs
    texts = set(article.passages.values_list("text", flat=True))
    assert result == {"article": article.pk, "encoded": len(texts)}
    assert Encoding.objects.count() == len(texts)
    assert encode_article.call(article.pk)["encoded"] == 0  # a second run (a retried task) encodes nothing


@pytest.mark.django_db
def test_the_ingest_command_says_what_it_encoded_and_on_how_many_processes():
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("ingest", str(SEED_STORY), "--no-align", stdout=out)
    texts = Passage.objects.values("text").distinct().count()
    assert f"biden-putin-2021-12-07: {texts} passage texts encoded in " in out.getvalue()
    assert "on 1 process(es)" in out.getvalue()  # 166 texts: not worth a pool
