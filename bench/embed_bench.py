"""The cost of embedding, with the product's code: an article (its passage text) and a query,
on one thread (web processes) and on the workers' threads (``LANTOA_WORKER_EMBEDDING_THREADS``).

    uv run python bench/embed_bench.py [--repeat 3] [--threads 1 2]

Each thread count runs in a process of its own (OpenMP fixes its team size when the model is
first used). Texts: the 58 shipped articles as ``lantoa.kb.semantic.passage_text`` builds them
(title, question, tags) and the 194 queries of ``lantoa/kb/data/search_eval.csv`` as
``lantoa.kb.semantic.query_text`` builds them; each embedded alone, as the product does after a
save or for a search, ``--repeat`` times. Goal (issue 13): an article in < 50 ms.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
GOAL_MS = 50.0


def measure(threads: int, repeat: int) -> dict[str, object]:
    os.environ.setdefault("LANTOA_ALLOW_INSECURE_KEY", "1")
    os.environ.setdefault("LANTOA_DATA_DIR", str(ROOT / "bench" / "results"))
    os.environ["LANTOA_SEMANTIC_SEARCH"] = "1"
    os.environ["LANTOA_EMBEDDING_THREADS"] = str(threads)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lantoa.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from lantoa.core import embedding
    from lantoa.kb import semantic

    with (ROOT / "lantoa" / "kb" / "data" / "articles.csv").open(encoding="utf-8") as fh:
        articles = list(csv.DictReader(fh))
    with (ROOT / "lantoa" / "kb" / "data" / "search_eval.csv").open(encoding="utf-8") as fh:
        queries = [row["query"] for row in csv.DictReader(fh)]
    passages = [
        semantic.passage_text(
            SimpleNamespace(  # type: ignore[arg-type]
                title=a["title"],
                question=a["question"],
                tags=[t.strip() for t in a["tags"].split(";") if t.strip()],
            )
        )
        for a in articles
    ]
    model = embedding.model()
    model.passage("khởi động")  # loads the pages of the model
    tokens = [model.token_count(p) for p in passages]
    timings: dict[str, list[float]] = {"article": [], "query": []}
    for _ in range(repeat):
        for text in passages:
            started = time.perf_counter()
            embedding.embed_passages([text])
            timings["article"].append((time.perf_counter() - started) * 1000)
        for text in queries:
            embedding.forget_queries()
            started = time.perf_counter()
            embedding.embed_query(semantic.query_text(text))
            timings["query"].append((time.perf_counter() - started) * 1000)
    return {
        "threads": threads,
        "tokens": statistics.median(tokens),
        **{
            name: (statistics.median(values), statistics.quantiles(values, n=20)[18])
            for name, values in timings.items()
        },
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child is not None:
        print(json.dumps(measure(args.child, args.repeat)))
        return 0
    load = os.getloadavg()[0]
    rows = []
    for threads in args.threads:
        done = subprocess.run(  # noqa: S603 - this script, with our arguments
            [sys.executable, __file__, "--child", str(threads), "--repeat", str(args.repeat)],
            capture_output=True,
            text=True,
            check=True,
        )
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
    print(
        f"**Embedding** ({os.cpu_count()} CPU, load average {load:.1f} → "
        f"{os.getloadavg()[0]:.1f}; {args.repeat} × 58 articles, {args.repeat} × 194 queries; ms)"
    )
    print()
    print("| threads | article p50 / p95 | query p50 / p95 | article goal < 50 ms |")
    print("|---:|---|---|---|")
    for row in rows:
        art, query = row["article"], row["query"]
        verdict = "pass" if art[0] < GOAL_MS else "FAIL"
        print(
            f"| {row['threads']} | {art[0]:.1f} / {art[1]:.1f} | {query[0]:.1f} / {query[1]:.1f} "
            f"| {verdict} |"
        )
    print(f"\n(median article: {rows[0]['tokens']:.0f} tokens)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
