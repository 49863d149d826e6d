"""Ingest at scale: plain-text articles and saved pages, against reading and hashing the files.

    python benchmarks/ingest.py [--articles 1000] [--json PATH]

Makes ``--articles`` plain-text articles and as many HTML pages out of the articles under
tests/fixtures/articles/ingest (each copy with its own headline, names, date and URL, so that
nothing is merged), then in the same run times the baseline (reading every file and taking its
SHA-256, the least any ingest does) and ``exilekg.ingest.ingest`` of each set into a fresh corpus.
Prints the time per article and the ratio to the baseline.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import tempfile
import time
from pathlib import Path

from exilekg.ingest import ingest, init_corpus

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "articles" / "ingest"


def _vary(text: str, number: int, rng: random.Random) -> str:
    """A copy of a fixture that is another article: its own words in the title, date and URL."""
    day = 1 + number % 28
    replacements = {
        "2024": str(2010 + number % 15),
        "Riga": f"Riga {number}",
        "Berlin": f"Berlin {number}",
        "exile": f"exile{number}",
        "Exile": f"Exile{number}",
        "Exiled": f"Exiled {number}",
        "эмигранты": f"эмигранты {number}",
        "Эмигранты": f"Эмигранты {number}",
        "03.03": f"{day:02d}.03",
        "29": f"{day:02d}",
    }
    for old, new in replacements.items():
        text = text.replace(old, new)
    text = re.sub(r"(https?://[^\s\"<>]+?)(/?)(?=[\s\"<>]|$)", rf"\1-{number}\2", text, flags=re.M)
    return text + f"\n\n{' '.join(rng.choice(('word', 'слово', 'Wort', 'mot')) for _ in range(40))}\n"


def make_articles(folder: Path, count: int, suffix: str) -> list[Path]:
    rng = random.Random(7)
    sources = sorted(FIXTURES.glob(f"*{suffix}"))
    paths: list[Path] = []
    folder.mkdir(parents=True)
    for number in range(count):
        source = sources[number % len(sources)]
        text = source.read_text(encoding="utf-8")
        if suffix == ".html":
            text = text.replace("</article>", f"<p>{_vary('Paragraph ' * 30, number, rng)}</p></article>")
        path = folder / f"{number:05d}-{source.stem}{suffix}"
        path.write_text(_vary(text, number, rng), encoding="utf-8")
        paths.append(path)
    return paths


def baseline(paths: list[Path]) -> float:
    started = time.perf_counter()
    for path in paths:
        hashlib.sha256(path.read_bytes()).hexdigest()
    return time.perf_counter() - started


def timed_ingest(paths: list[Path], corpus: Path) -> float:
    init_corpus(corpus)
    started = time.perf_counter()
    results = ingest(paths, corpus)
    elapsed = time.perf_counter() - started
    assert len(results) == len(paths) and all(r.status == "new" for r in results)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    rows: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for kind, suffix in (("plain text", ".txt"), ("HTML", ".html")):
            paths = make_articles(root / suffix.strip("."), args.articles, suffix)
            floor = baseline(paths)
            elapsed = timed_ingest(paths, root / f"corpus{suffix}")
            rows[kind] = {
                "articles": len(paths),
                "ingest_s": round(elapsed, 3),
                "per_article_ms": round(elapsed / len(paths) * 1000, 2),
                "baseline_per_article_ms": round(floor / len(paths) * 1000, 4),
                "ratio": round(elapsed / floor, 1),
            }
    print(f"{'articles':<12} {'count':>6} {'ingest':>9} {'per article':>12} {'read+hash':>10} {'ratio':>8}")
    for kind, row in rows.items():
        print(
            f"{kind:<12} {row['articles']:>6.0f} {row['ingest_s']:>8.2f}s {row['per_article_ms']:>10.2f}ms "
            f"{row['baseline_per_article_ms']:>8.3f}ms {row['ratio']:>7.0f}x"
        )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
