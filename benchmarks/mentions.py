"""Mention detection at scale: one automaton pass per text against a str.find loop per name.

    python benchmarks/mentions.py [--entities 10000] [--articles 5000] [--size 5000] [--json PATH]

Generates entity names and article texts (random syllables; nothing copied from anywhere),
times exilekg's MentionFinder over every article, and in the same run times the baseline a
user would write first: for each article, ``str.find`` in a loop for every name. The baseline
is quadratic in practice, so it is timed on a sample of articles and scaled to all of them
(the figure says so).
"""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path

from exilekg.anchor import NormalizedText
from exilekg.mentions import MentionFinder

SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ra",
    "ve",
    "to",
    "su",
    "ni",
    "pe",
    "da",
    "zo",
    "ri",
    "la",
    "mo",
    "ve",
    "sa",
    "ku",
    "te",
    "no",
    "ga",
    "bi",
    "lu",
]
WORDS = [
    "the",
    "of",
    "and",
    "in",
    "to",
    "exile",
    "opposition",
    "congress",
    "foundation",
    "survey",
    "said",
    "city",
    "war",
    "with",
    "for",
    "on",
    "by",
]


def name(rng: random.Random) -> str:
    def word() -> str:
        return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).title()

    return f"{word()} {word()}"


def article(rng: random.Random, names: list[str], size: int) -> str:
    parts: list[str] = []
    length = 0
    while length < size:
        piece = rng.choice(names) if rng.random() < 0.05 else rng.choice(WORDS)
        parts.append(piece)
        length += len(piece) + 1
    return " ".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entities", type=int, default=10_000)
    parser.add_argument("--articles", type=int, default=5_000)
    parser.add_argument("--size", type=int, default=5_000, help="characters per article")
    parser.add_argument("--baseline-sample", type=int, default=50, help="articles the baseline is timed on")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    rng = random.Random(7)
    names = sorted({name(rng) for _ in range(args.entities * 2)})[: args.entities]
    texts = [article(rng, names, args.size) for _ in range(args.articles)]
    entities = [(f"e{i}", "Organization", [n]) for i, n in enumerate(names)]

    t0 = time.perf_counter()
    finder = MentionFinder(entities)
    t_automaton = time.perf_counter() - t0

    t0 = time.perf_counter()
    normalized = [NormalizedText(t) for t in texts]
    t_fold = time.perf_counter() - t0

    t0 = time.perf_counter()
    found = sum(len(finder.find(n)) for n in normalized)
    t_find = time.perf_counter() - t0

    sample = texts[: args.baseline_sample]
    t0 = time.perf_counter()
    baseline_found = 0
    for text in sample:
        for n in names:
            pos = text.find(n)
            while pos != -1:
                baseline_found += 1
                pos = text.find(n, pos + 1)
    t_sample = time.perf_counter() - t0
    t_baseline = t_sample * len(texts) / len(sample)
    ours = t_automaton + t_fold + t_find

    figures = {
        "entities": len(names),
        "articles": len(texts),
        "characters": sum(map(len, texts)),
        "mentions": found,
        "automaton_seconds": round(t_automaton, 3),
        "fold_seconds": round(t_fold, 3),
        "find_seconds": round(t_find, 3),
        "exilekg_seconds": round(ours, 3),
        "baseline_seconds_scaled": round(t_baseline, 3),
        "baseline_sample_articles": len(sample),
        "speedup": round(t_baseline / ours, 1),
    }
    print(f"{'':28}{'seconds':>10}")
    print(f"{'build automaton':28}{t_automaton:10.2f}")
    print(f"{'fold texts':28}{t_fold:10.2f}")
    print(f"{'find mentions':28}{t_find:10.2f}")
    print(f"{'exilekg total':28}{ours:10.2f}")
    print(f"{'str.find loop (scaled)':28}{t_baseline:10.2f}   timed on {len(sample)} articles")
    print(f"ratio: exilekg is {t_baseline / ours:.1f}x faster; {found} mentions in {len(texts)} articles")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
