"""Stored token vectors of passages: each distinct text is encoded once per model.

The ORM edge of `align.encoder`. Rows are `Encoding`s keyed by (`encoder.ENCODING_ID`,
sha256 of the text), so passages with equal text share one, and a story loaded
from a fixture (which carries no encodings) is encoded on its first alignment.

Contract:
- `vectors_for(passages)` -> {passage id: TokenVectors} for every passage given:
  stored encodings are read; the missing texts are encoded in one batch and stored.
- `encode_missing(texts, workers=1)` encodes and stores only the texts not stored yet
  (what ingest calls) and returns how many it encoded. It stores them chunk by chunk as they
  are encoded (`encoder_pool`, on `workers` processes), so its memory does not grow with the
  number of texts, and a failure part-way keeps the chunks stored before it.
- Vectors are stored as float16, and what `vectors_for` returns is always the
  float16-rounded value, whether it was just encoded or read back: two runs
  over the same passages see identical vectors.
- `token_ids_for(passages)` and `vectors_in_chunks(passages)` read what a big story's alignment needs
  without holding every passage's vectors at once: the wordpiece ids of all, then the vectors a chunk at
  a time (both encode what is missing first).
- Raises `align.encoder.EncoderUnavailable` when something must be encoded and
  the model cannot be loaded.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable

from django.core.exceptions import EmptyResultSet
from django.db import connection
import numpy as np

from . import encoder_pool
from .align import encoder
from .models import Encoding

CHUNK = 500  # keys per `IN (...)` query: SQLite caps the number of parameters


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _stored_keys(keys: list[str], model: str) -> set[str]:
    found: set[str] = set()
    for i in range(0, len(keys), CHUNK):
        found.update(Encoding.objects.filter(model=model, text_sha256__in=keys[i:i + CHUNK])
                     .values_list("text_sha256", flat=True))
    return found


def _rows(queryset) -> list[tuple]:
    """The rows of a `values_list` queryset. On PostgreSQL they are fetched in binary format: bytea then
    arrives as its bytes, not as hex text to decode (a 1,000-article story's token vectors, 1.3 GB as hex,
    took 4.1 s to read that way and 0.7 s in binary). Django's cursors bind parameters client-side, which
    cannot return binary results, so this one query runs on a plain psycopg cursor of the same connection
    (and transaction), inside Django's error translation; Django's query log does not see it."""
    if connection.vendor != "postgresql":
        return list(queryset)
    import psycopg

    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:  # a filter that matches nothing by construction (`__in=[]`)
        return []
    connection.ensure_connection()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, params, binary=True)
        return cursor.fetchall()


def _to_row(key: str, tv: encoder.TokenVectors, model: str) -> Encoding:
    vectors = tv.vectors.astype("<f2")
    return Encoding(model=model, text_sha256=key, n_tokens=len(tv.ids), dim=vectors.shape[1],
                    token_ids=tv.ids.astype("<i4").tobytes(), vectors=vectors.tobytes())


def _decoded(token_ids, vectors, n_tokens: int, dim: int) -> encoder.TokenVectors:
    ids = np.frombuffer(bytes(token_ids), dtype="<i4").astype(np.int32)
    return encoder.TokenVectors(ids, np.frombuffer(bytes(vectors), dtype="<f2").reshape(n_tokens, dim).astype(np.float32))


def _rounded(tv: encoder.TokenVectors) -> encoder.TokenVectors:
    return encoder.TokenVectors(tv.ids, tv.vectors.astype(np.float16).astype(np.float32))


def _encode_and_store(texts_by_key: dict[str, str], model: str) -> dict[str, encoder.TokenVectors]:
    if not texts_by_key:
        return {}
    keys = list(texts_by_key)
    encoded = encoder.encode([texts_by_key[k] for k in keys])
    # ignore_conflicts: a concurrent ingest or alignment may have stored the same text meanwhile.
    Encoding.objects.bulk_create([_to_row(k, tv, model) for k, tv in zip(keys, encoded)],
                                 batch_size=CHUNK, ignore_conflicts=True)
    return {k: _rounded(tv) for k, tv in zip(keys, encoded)}


def encode_missing(texts: Iterable[str], model: str = encoder.ENCODING_ID, *, workers: int = 1) -> int:
    """Encode and store the texts that have no encoding yet, on `workers` processes; return how many."""
    by_key = {text_key(t): t for t in texts}
    stored = _stored_keys(list(by_key), model)
    missing = [t for k, t in by_key.items() if k not in stored]
    for chunk, encoded in encoder_pool.encode_chunks(missing, workers):
        # ignore_conflicts: a concurrent ingest or alignment may have stored the same text meanwhile.
        Encoding.objects.bulk_create([_to_row(text_key(t), tv, model) for t, tv in zip(chunk, encoded)],
                                     batch_size=CHUNK, ignore_conflicts=True)
    return len(missing)


def vectors_for(passages: Iterable, model: str = encoder.ENCODING_ID) -> dict[int, encoder.TokenVectors]:
    """{passage.pk: TokenVectors} for objects with `.pk` and `.text` (Passages), encoding what is missing."""
    passages = list(passages)
    by_key = {text_key(p.text): p.text for p in passages}
    keys = list(by_key)
    found: dict[str, encoder.TokenVectors] = {}
    for i in range(0, len(keys), CHUNK):
        for key, token_ids, vectors, n_tokens, dim in _rows(Encoding.objects.filter(
                model=model, text_sha256__in=keys[i:i + CHUNK]).values_list(
                "text_sha256", "token_ids", "vectors", "n_tokens", "dim")):  # no model instances: 41,000 rows a run
            found[key] = _decoded(token_ids, vectors, n_tokens, dim)
    found.update(_encode_and_store({k: t for k, t in by_key.items() if k not in found}, model))
    return {p.pk: found[text_key(p.text)] for p in passages}


def token_ids_for(passages: list, model: str = encoder.ENCODING_ID) -> list[np.ndarray]:
    """The wordpiece ids (specials dropped) of each passage, in order, without reading any vectors."""
    encode_missing((p.text for p in passages), model)
    keys = [text_key(p.text) for p in passages]
    found: dict[str, np.ndarray] = {}
    distinct = list(dict.fromkeys(keys))
    for i in range(0, len(distinct), CHUNK):
        for key, ids in _rows(Encoding.objects.filter(model=model, text_sha256__in=distinct[i:i + CHUNK])
                              .values_list("text_sha256", "token_ids")):
            found[key] = np.frombuffer(bytes(ids), dtype="<i4").astype(np.int32)[1:-1]
    return [found[k] for k in keys]


def vectors_in_chunks(passages: list, chunk: int = 2000, model: str = encoder.ENCODING_ID):
    """Yield lists of (content ids, content vectors) for `chunk` passages at a time, in order."""
    for start in range(0, len(passages), chunk):
        block = passages[start:start + chunk]
        vectors = vectors_for(block, model)
        yield [(vectors[p.pk].content_ids, vectors[p.pk].content_vectors) for p in block]
