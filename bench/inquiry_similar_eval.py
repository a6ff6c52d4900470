"""Similar questions from workers: how similar are two questions about the same workplace
problem, and two that are not? ``lantoa.inquiries.similar.SIMILARITY`` is chosen from this.

    uv run python bench/inquiry_similar_eval.py [--passage] [--timing]

Embeds the hand-written questions of ``bench/data/inquiry_similar.csv`` as the background job
does (``similar.question_text``, E5's query prefix; ``--passage``: the passage prefix, for
comparison). Rows of one ``group`` are workers writing about the same problem at the same
workplace (with and without diacritics, with teencode); ``single`` rows are unrelated
questions. It prints the cosine of the pairs of one group and of the other pairs, and for
thresholds around the shipped one how many same-problem pairs are linked (recall), how many
questions with a partner get at least one, and how many unrelated pairs are linked by mistake.

``--timing`` measures the inbox's comparison: 2.000 vectors of a week (the questions above,
perturbed) decoded from float16 and compared all against all, median of 20 runs.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "bench" / "data" / "inquiry_similar.csv"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--passage", action="store_true")
    parser.add_argument("--timing", action="store_true")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lantoa.settings")
    os.environ.setdefault("LANTOA_ALLOW_INSECURE_KEY", "1")
    import django

    django.setup()
    import numpy as np

    from lantoa.core import embedding
    from lantoa.inquiries import similar

    with CASES.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    texts = [similar.question_text("", r["question"]) for r in rows]
    embed = embedding.embed_passages if args.passage else embedding.embed_queries
    vectors = embed(texts)
    # Stored as float16, as the job does.
    vectors = np.stack([embedding.from_bytes(embedding.to_bytes(v)) for v in vectors])
    groups = [r["group"] for r in rows]
    scores = vectors @ vectors.T
    same, other = [], []
    for i in range(len(rows)):
        for j in range(i + 1, len(rows)):
            related = groups[i] == groups[j] and groups[i] != "single"
            (same if related else other).append(float(scores[i, j]))
    print(f"{len(rows)} questions, {len(same)} same-problem pairs, {len(other)} other pairs")
    print(
        f"same problem: min {min(same):.3f} median {statistics.median(same):.3f}; "
        f"other pairs: median {statistics.median(other):.3f} max {max(other):.3f}"
    )
    worst = sorted(range(len(other)), key=lambda k: -other[k])[:1]
    del worst
    print("threshold  same-pairs linked  questions with a partner found  other pairs linked")
    partnered = [i for i in range(len(rows)) if groups[i] != "single"]
    for t in (0.84, 0.86, 0.87, 0.88, 0.89, 0.90, 0.91, 0.92, 0.93):
        linked = sum(s >= t for s in same)
        wrong = sum(s >= t for s in other)
        found = sum(
            any(scores[i, j] >= t and groups[j] == groups[i] for j in range(len(rows)) if j != i)
            for i in partnered
        )
        mark = " ← shipped" if abs(t - similar.SIMILARITY) < 1e-9 else ""
        print(
            f"  {t:.2f}     {linked:3d}/{len(same)} ({linked / len(same):.0%})"
            f"        {found:2d}/{len(partnered)}"
            f"                            {wrong:3d}/{len(other)}{mark}"
        )
    if args.timing:
        rng = np.random.default_rng(13)
        base = vectors[rng.integers(0, len(vectors), 2000)]
        week = base + rng.normal(0, 0.02, base.shape).astype(np.float32)
        week /= np.linalg.norm(week, axis=1, keepdims=True)
        blobs = [embedding.to_bytes(v) for v in week]
        runs = []
        for _ in range(20):
            start = time.perf_counter()
            matrix = np.stack([embedding.from_bytes(b) for b in blobs])
            s = matrix @ matrix.T
            np.fill_diagonal(s, -1.0)
            (s >= similar.SIMILARITY).any(axis=1)
            runs.append(time.perf_counter() - start)
        print(f"2.000 vectors, all against all: median {statistics.median(runs) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
