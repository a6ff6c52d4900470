"""Search quality on the labelled evaluation set: lexical, semantic and hybrid, by class.

    uv run python bench/search_eval.py [--misses] [--grid]

Loads the shipped articles (lantoa/kb/data/articles.csv, published) into a fresh SQLite
database, embeds them with the product's code (``lantoa.kb.semantic``), then runs every query
of ``lantoa/kb/data/search_eval.csv`` as the public search /hoi-dap/ does and prints, for
each class of query and each ranking, recall@1, recall@3 (the expected article first, in the
first three) and MRR (mean of 1/position, 0 beyond the 20th).

Classes: ``co_dau`` — the article's words with diacritics; ``khong_dau`` — the article's
words typed without them; ``thong_tuc`` — colloquial, the worker's own words, teencode
("ko", "dc", "cty", "bhxh"), typos.

``--misses`` lists the hybrid's misses (not in the first three); ``--grid`` tries the fusion
constants around the product's (``lantoa.kb.hybrid.Params``) and prints the best ones.
``--split`` makes the grid honest: the queries are cut in two halves by a hash of their text
(``split_of``: the same cut on every run), the grid chooses on the *tuning* half only and the
table is printed for the chosen constants on each half — the *held-out* half is the figure
to quote.
Goal (issue 13): hybrid recall@3 ≥ 0,95 for co_dau and khong_dau, ≥ 0,9 for thong_tuc, and no
class worse than lexical.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import os
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT / "lantoa" / "kb" / "data" / "search_eval.csv"
CLASSES = ("co_dau", "khong_dau", "thong_tuc")
DEPTH = 20
GOALS = {"co_dau": 0.95, "khong_dau": 0.95, "thong_tuc": 0.9}


def setup_django() -> None:
    data = tempfile.mkdtemp(prefix="lantoa-search-eval-")
    os.environ["DATABASE_URL"] = f"sqlite:///{data}/eval.sqlite3"
    os.environ["LANTOA_DATA_DIR"] = data
    os.environ.setdefault("LANTOA_ALLOW_INSECURE_KEY", "1")
    os.environ["LANTOA_TASKS_EAGER"] = "1"
    os.environ["LANTOA_SEMANTIC_SEARCH"] = "1"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lantoa.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def load() -> float:
    from lantoa.kb.importing import ensure_shipped_articles
    from lantoa.kb.semantic import embed_stale
    from lantoa.units.services import unit_root_ensure

    unit_root_ensure()
    started = time.perf_counter()
    result = ensure_shipped_articles()
    assert result is not None and result.ok, result
    embed_stale()
    return time.perf_counter() - started


def split_of(query: str) -> str:
    """The half of the evaluation set a query belongs to, by a hash of its text."""
    import hashlib

    return "tuning" if hashlib.sha1(query.encode()).digest()[0] % 2 == 0 else "held-out"  # noqa: S324


def position(ids: Sequence[int], expected: int) -> int | None:
    try:
        return list(ids).index(expected) + 1
    except ValueError:
        return None


def table(found: dict[str, dict[str, list[int | None]]]) -> str:
    lines = [
        "| class | n | ranking | recall@1 | recall@3 | MRR |",
        "|---|---:|---|---:|---:|---:|",
    ]
    for cls in (*CLASSES, "all"):
        for method, by_class in found.items():
            ranks = [r for c in CLASSES for r in by_class[c]] if cls == "all" else by_class[cls]
            n = len(ranks)
            if not n:
                continue
            r1 = sum(1 for r in ranks if r == 1) / n
            r3 = sum(1 for r in ranks if r is not None and r <= 3) / n
            mrr = sum(1 / r for r in ranks if r is not None) / n
            lines.append(
                f"| {cls} | {n} | {method} | {r1:.2f} | {r3:.2f} | {mrr:.3f} |".replace(".", ",")
            )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--misses", action="store_true")
    parser.add_argument("--grid", action="store_true")
    parser.add_argument("--split", action="store_true")
    parser.add_argument(
        "--queries", type=Path, default=EVAL, help="labelled queries (default: search_eval.csv)"
    )
    parser.add_argument(
        "--no-spoken", action="store_true", help="without the workers' words list (kb.spoken)"
    )
    args = parser.parse_args(argv)
    setup_django()
    seconds = load()

    from lantoa.kb import hybrid, search, semantic, spoken
    from lantoa.kb.models import Article

    if args.no_spoken:
        spoken.entries.cache_clear()
        spoken.SPOKEN_TERMS = Path(os.devnull)

    slugs = dict(Article.objects.values_list("slug", "pk"))
    titles = dict(Article.objects.values_list("pk", "title"))
    with args.queries.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    missing = sorted({r["article"] for r in rows} - set(slugs))
    if missing:
        print("Unknown articles in the evaluation set:", ", ".join(missing))
        return 2
    print(f"{len(slugs)} articles loaded and embedded in {seconds:.1f} s; {len(rows)} queries")

    # Each query once through both rankings; the fusion is recomputed from these.
    runs = []
    for row in rows:
        lexical = search.rank(search.parse(row["query"]), None, limit=hybrid.LEXICAL_CANDIDATES)
        vector = semantic.query_vector(row["query"])
        if vector is None:
            print("The embedding model is unavailable: see the log.")
            return 1
        matches = semantic.rank(vector, None, limit=hybrid.SEMANTIC_CANDIDATES)
        runs.append((row, lexical, matches))

    def evaluate(params: hybrid.Params, half: str = "") -> dict[str, dict[str, list[int | None]]]:
        found: dict[str, dict[str, list[int | None]]] = {
            m: defaultdict(list) for m in ("lexical", "semantic", "hybrid")
        }
        rankings: dict[str, Callable[..., list[int]]] = {
            "lexical": lambda lex, sem: [h.article_id for h in lex],
            "semantic": lambda lex, sem: [m.article_id for m in sem],
            "hybrid": lambda lex, sem, plain: [
                h.article_id for h in hybrid.fuse(lex, sem, limit=DEPTH, plain=plain, params=params)
            ],
        }
        for row, lex, sem in runs:
            if half and split_of(row["query"]) != half:
                continue
            expected = slugs[row["article"]]
            plain = not hybrid.has_diacritics(row["query"])
            for method, ranking in rankings.items():
                ids = ranking(lex, sem, plain) if method == "hybrid" else ranking(lex, sem)
                found[method][row["class"]].append(position(ids[:DEPTH], expected))
        return found

    found = evaluate(hybrid.DEFAULT)
    print(table(found))
    if args.misses:
        print("\nHybrid misses (expected article not in the first three):")
        positions = _positions(runs, slugs, hybrid.DEFAULT)
        for (row, lex, sem), pos in zip(runs, positions, strict=True):
            if pos is None or pos > 3:
                plain = not hybrid.has_diacritics(row["query"])
                top = hybrid.fuse(lex, sem, limit=3, plain=plain)
                print(
                    f"  [{row['class']}] {row['query']!r} → expected "
                    f"{titles[slugs[row['article']]][:50]!r} at {pos}; got "
                    + " | ".join(titles[h.article_id][:40] for h in top)
                )
    if args.grid:
        best: list[tuple[float, hybrid.Params]] = []
        for mode, k, sw, margin, floor, pw in itertools.product(
            ("rrf", "score"),
            (2, 5, 10),
            (0.5, 0.7, 1.0, 1.3),
            (0.03, 0.05, 0.08),
            (0.0, 0.8, 0.83),
            (0.0, 0.3, 0.6),
        ):
            if mode == "score" and k != 2:
                continue
            params = hybrid.Params(
                rrf_k=k, semantic_weight=sw, margin=margin, floor=floor, plain_weight=pw, mode=mode
            )
            result = evaluate(params, "tuning" if args.split else "")
            r3 = {
                c: sum(1 for r in result["hybrid"][c] if r is not None and r <= 3)
                / len(result["hybrid"][c])
                for c in CLASSES
            }
            n = sum(len(result["hybrid"][c]) for c in CLASSES)
            mrr = sum(1 / r for c in CLASSES for r in result["hybrid"][c] if r) / n
            score = min(r3[c] - GOALS[c] for c in CLASSES) + sum(r3.values()) / 10 + mrr / 10
            best.append((score, r3, mrr, params))
        best.sort(key=lambda x: -x[0])
        for score, r3, mrr, params in best[:10]:
            print(f"{score:.3f} {r3} mrr={mrr:.3f} {params}")
        if args.split:
            chosen = best[0][3]
            for label, params in (("shipped constants", hybrid.DEFAULT), ("chosen", chosen)):
                for half in ("tuning", "held-out"):
                    print(f"\n{label} on the {half} half ({params}):")
                    print(table(evaluate(params, half)))
    return 0


def _positions(runs: list, slugs: dict[str, int], params: object) -> list[int | None]:
    from lantoa.kb import hybrid

    found = []
    for row, lex, sem in runs:
        plain = not hybrid.has_diacritics(row["query"])
        hits = hybrid.fuse(lex, sem, limit=DEPTH, plain=plain, params=params)  # type: ignore[arg-type]
        found.append(position([h.article_id for h in hits], slugs[row["article"]]))
    return found


if __name__ == "__main__":
    raise SystemExit(main())
