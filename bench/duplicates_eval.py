"""Near-duplicate articles: how similar are two articles that ask the same question, and two
that do not? The threshold ``lantoa.kb.semantic.DUPLICATE_SIMILARITY`` is chosen from this.

    uv run python bench/duplicates_eval.py [--timing]

Loads and embeds the shipped articles (lantoa/kb/data/articles.csv) as search_eval.py does,
then embeds the hand-written articles of ``lantoa/kb/data/duplicate_eval.csv`` the way an
organisation would write its own: a title and a question in other words. A row with
``duplicate_of`` (a shipped title) asks that article's question; one without asks a question
none of the shipped articles answers. It prints the cosine similarity

- of each rewritten article to the shipped one it duplicates (true duplicates),
- of each rewritten article to the closest shipped article it does not duplicate,
- of each shipped article to the closest other shipped article (different questions),

and, for thresholds around the shipped one, how many duplicates are flagged and how many
different questions would be flagged by mistake.

``--timing`` also measures the cost of embedding one article (median of single calls and
per article in batches of 16, on the threads of ``LANTOA_EMBEDDING_THREADS``).
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
CASES = ROOT / "lantoa" / "kb" / "data" / "duplicate_eval.csv"


def summary(values: Sequence[float]) -> str:
    ordered = sorted(values)
    if not ordered:
        return "n=0"

    def q(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(p * (len(ordered) - 1) + 0.5))]

    return (
        f"n={len(ordered)} min={ordered[0]:.3f} p10={q(0.1):.3f} median={q(0.5):.3f} "
        f"p90={q(0.9):.3f} max={ordered[-1]:.3f}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--timing", action="store_true")
    args = parser.parse_args(argv)
    import search_eval

    search_eval.setup_django()
    search_eval.load()

    import numpy as np

    from lantoa.core import embedding
    from lantoa.kb import semantic
    from lantoa.kb.models import Article

    articles = list(Article.objects.order_by("pk"))
    by_title = {a.title: i for i, a in enumerate(articles)}
    snap = semantic.snapshot()
    position = {int(pk): i for i, pk in enumerate(snap.ids)}
    shipped = np.stack([snap.matrix[position[a.pk]] for a in articles])

    with CASES.open(encoding="utf-8") as fh:
        cases = list(csv.DictReader(fh))
    unknown = [
        c["duplicate_of"] for c in cases if c["duplicate_of"] and c["duplicate_of"] not in by_title
    ]
    if unknown:
        print("Unknown shipped titles:", unknown)
        return 2
    texts = [
        semantic.passage_text(Article(title=c["title"], question=c["question"])) for c in cases
    ]
    vectors = embedding.embed_passages(texts)

    duplicates: list[float] = []
    others: list[float] = []
    for case, vector in zip(cases, vectors, strict=True):
        sims = shipped @ vector
        target = by_title.get(case["duplicate_of"])
        if target is not None:
            duplicates.append(float(sims[target]))
            sims[target] = -1
        others.append(float(sims.max()))
    between = shipped @ shipped.T
    np.fill_diagonal(between, -1)
    shipped_closest = [float(x) for x in between.max(axis=1)]
    print(
        f"{len(articles)} shipped articles; {len(cases)} rewritten ({len(duplicates)} duplicates)"
    )
    print("duplicate → its shipped article:      ", summary(duplicates))
    print("rewritten → closest other article:    ", summary(others))
    print("shipped → closest other shipped:      ", summary(shipped_closest))
    print(
        f"\nthreshold | duplicates flagged (of {len(duplicates)}) | "
        f"rewritten flagged wrongly (of {len(others)}) | shipped pairs flagged (of {len(articles)})"
    )
    for threshold in (0.86, 0.87, 0.88, 0.89, 0.90, 0.91, 0.92, 0.93, 0.94):
        mark = " ← shipped" if abs(threshold - semantic.DUPLICATE_SIMILARITY) < 1e-9 else ""
        print(
            f"{threshold:.2f} | {sum(d >= threshold for d in duplicates)} | "
            f"{sum(o >= threshold for o in others)} | "
            f"{sum(s >= threshold for s in shipped_closest)}{mark}"
        )
    if args.timing:
        model = embedding.model()
        sample = [semantic.passage_text(a) for a in articles]
        tokens = [model.token_count(t) for t in sample]
        print(f"\npassage tokens: median {statistics.median(tokens)}, max {max(tokens)}")
        singles = []
        for text in sample * 2:
            started = time.perf_counter()
            embedding.embed_passages([text])
            singles.append((time.perf_counter() - started) * 1000)
        batched = []
        for start in range(0, len(sample), 16):
            chunk = sample[start : start + 16]
            started = time.perf_counter()
            embedding.embed_passages(chunk)
            batched.append((time.perf_counter() - started) * 1000 / len(chunk))
        print(
            f"one article: median {statistics.median(singles):.0f} ms single, "
            f"{statistics.median(batched):.0f} ms per article in batches of 16"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
