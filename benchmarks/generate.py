"""Synthetic corpora of the real shape, sized by the number of triples they map to.

    python benchmarks/generate.py --triples 1000000 --out /tmp/exilekg-1m [--seed 1]

Writes corpus.json, documents/*.json, records/*.json and *.jsonl, and texts/*.txt: persons with
alternate and Cyrillic names, organisations, places, events and cited works; roles with dates,
residences in exile, designations, observations, quotations and claims, each with an evidence
phrase planted in a generated article; and article texts that name the entities again and again,
so mention detection has work to do. Every name and every sentence is made from random syllables
and a few sentence templates written here; nothing is copied from anywhere.

The corpus is sized in articles: a small sample is generated and mapped by exilekg first, and its
triples per article give the number of articles for the target (within a few per cent). Output is
deterministic for a given seed and target.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from exilekg.anchor import NormalizedText, normalize_phrase

__all__ = ["CorpusPlan", "generate", "main"]

_CONSONANTS = "bdgklmnprstvz"
_VOWELS = "aeiou"
_ENDINGS_M = ["ov", "ev", "in", "sky", "enko", "uk"]
_ENDINGS_F = ["ova", "eva", "ina", "skaya", "enko", "uk"]
_CYRILLIC = str.maketrans(
    {
        "a": "а",
        "b": "б",
        "d": "д",
        "e": "е",
        "g": "г",
        "i": "и",
        "k": "к",
        "l": "л",
        "m": "м",
        "n": "н",
        "o": "о",
        "p": "п",
        "r": "р",
        "s": "с",
        "t": "т",
        "u": "у",
        "v": "в",
        "y": "ы",
        "z": "з",
    }
)
_FUNCTION_WORDS = [
    "the",
    "of",
    "and",
    "in",
    "to",
    "a",
    "for",
    "on",
    "with",
    "by",
    "from",
    "at",
    "as",
    "that",
    "this",
    "was",
    "were",
    "is",
    "are",
    "has",
    "had",
    "after",
    "before",
    "during",
    "since",
    "while",
    "about",
    "against",
    "between",
    "under",
    "over",
    "into",
]
_ROLES = ["director", "chair of the board", "editor", "spokesperson", "founder", "treasurer", "member"]
_ORG_TYPES = {
    "foundation": "Foundation",
    "ngo": "Network",
    "media": "Media",
    "research": "Research Centre",
    "party": "Party",
    "movement": "Movement",
    "initiative": "Initiative",
    "government": "Ministry",
}
_EVENT_TYPES = ["congress", "conference", "protest", "commemoration", "workshop", "meeting", "campaign"]
_WORK_TYPES = ["study", "survey", "report", "video", "appeal", "book"]
_GENRES = ["news", "opinion", "analysis", "reportage", "other"]
_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_LABELS = ["foreign agent", "undesirable organisation", "extremist", "terrorist"]
_MEASURES = [
    "attitude to the war",
    "plans to return to Russia",
    "trust in the media",
    "support for sanctions",
]
_ANSWERS = ["definitely against", "rather against", "definitely yes", "rather not", "do not know"]

SAMPLE_ARTICLES = 40
"""Articles in the calibration sample that gives triples per article."""


def _syllable(rng: random.Random) -> str:
    return rng.choice(_CONSONANTS) + rng.choice(_VOWELS)


def _word(rng: random.Random, low: int = 2, high: int = 3) -> str:
    return "".join(_syllable(rng) for _ in range(rng.randint(low, high)))


def _slug(text: str) -> str:
    return "-".join("".join(ch if ch.isalnum() else " " for ch in text.lower()).split())


def _date(rng: random.Random, first: int, last: int, precision: int | None = None) -> str:
    year = rng.randint(first, last)
    precision = precision if precision is not None else rng.choice((1, 2, 3, 3))
    if precision == 1:
        return f"{year:04d}"
    month = rng.randint(1, 12)
    if precision == 2:
        return f"{year:04d}-{month:02d}"
    return f"{year:04d}-{month:02d}-{rng.randint(1, 28):02d}"


@dataclass
class Entity:
    kind: str
    id: str
    name: str
    surname: str | None = None
    record: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CorpusPlan:
    """How many of each thing a corpus of ``articles`` articles holds."""

    articles: int
    seed: int = 1

    @property
    def persons(self) -> int:
        return max(8, self.articles * 6)

    @property
    def organizations(self) -> int:
        return max(4, self.articles)

    @property
    def countries(self) -> int:
        return max(3, min(80, self.articles // 10))

    @property
    def cities(self) -> int:
        return max(4, self.articles // 3)

    @property
    def events(self) -> int:
        return max(2, self.articles // 2)

    @property
    def works(self) -> int:
        return max(2, self.articles // 3)


class _Writer:
    """Records to JSON Lines files of at most ``chunk`` lines each, or to one JSON array."""

    def __init__(self, folder: Path, stem: str, chunk: int = 20_000) -> None:
        self.folder = folder
        self.stem = stem
        self.chunk = chunk
        self.count = 0
        self.file: Any = None

    def write(self, record: dict[str, Any]) -> None:
        if self.count % self.chunk == 0:
            if self.file is not None:
                self.file.close()
            path = self.folder / f"{self.stem}-{self.count // self.chunk + 1:04d}.jsonl"
            self.file = path.open("w", encoding="utf-8")
        self.file.write(json.dumps(record, ensure_ascii=False) + "\n")
        self.count += 1

    def close(self) -> None:
        if self.file is not None:
            self.file.close()


class Generator:
    def __init__(self, plan: CorpusPlan, out: Path) -> None:
        self.plan = plan
        self.out = out
        self.rng = random.Random(plan.seed)
        self.vocabulary = sorted({_word(self.rng, 1, 3) for _ in range(4000)})
        self.given_m = sorted({_word(self.rng, 2, 3).title() for _ in range(300)})
        self.given_f = sorted({g + "a" for g in self.given_m})
        self.used_names: set[str] = set()
        self.used_ids: set[str] = set()

    # -- names and ids ------------------------------------------------------------------------

    def _unique_name(self, make: Any) -> str:
        for _ in range(1000):
            name: str = make()
            if name not in self.used_names:
                self.used_names.add(name)
                return name
        raise RuntimeError("ran out of names")

    def _id(self, name: str) -> str:
        base = _slug(name)[:100] or "x"
        rid, n = base, 1
        while rid in self.used_ids:
            n += 1
            rid = f"{base}-{n}"
        self.used_ids.add(rid)
        return rid

    def sentence(self, low: int = 6, high: int = 16) -> str:
        rng = self.rng
        words = [
            rng.choice(_FUNCTION_WORDS) if rng.random() < 0.35 else rng.choice(self.vocabulary)
            for _ in range(rng.randint(low, high))
        ]
        return " ".join(words).capitalize() + "."

    # -- entities -----------------------------------------------------------------------------

    def places(self) -> tuple[list[Entity], list[Entity]]:
        rng = self.rng
        countries = []
        for _ in range(self.plan.countries):
            name = self._unique_name(lambda: _word(rng, 2, 3).title() + rng.choice(["ia", "a", "land"]))
            rid = self._id(name)
            countries.append(
                Entity(
                    "Place", rid, name, record={"kind": "Place", "id": rid, "name": name, "type": "country"}
                )
            )
        cities = []
        for _ in range(self.plan.cities):
            name = self._unique_name(lambda: _word(rng, 2, 3).title())
            rid = self._id(name)
            record: dict[str, Any] = {
                "kind": "Place",
                "id": rid,
                "name": name,
                "type": "city",
                "containedIn": rng.choice(countries).id,
            }
            if rng.random() < 0.3:
                record["localNames"] = [
                    {"value": name.lower().translate(_CYRILLIC).title(), "language": "ru"}
                ]
            cities.append(Entity("Place", rid, name, record=record))
        return countries, cities

    def persons(self) -> list[Entity]:
        rng = self.rng
        out = []
        for _ in range(self.plan.persons):
            female = rng.random() < 0.5

            def make(female: bool = female) -> str:
                given = rng.choice(self.given_f if female else self.given_m)
                ending = rng.choice(_ENDINGS_F if female else _ENDINGS_M)
                return f"{given} {_word(rng, 1, 2).title()}{ending}"

            name = self._unique_name(make)
            given, surname = name.split(" ")
            rid = self._id(name)
            record: dict[str, Any] = {"kind": "Person", "id": rid, "name": name}
            alternates = [surname] if rng.random() < 0.5 else []
            if "i" in given and rng.random() < 0.4:
                alternates.append(given.replace("i", "ï", 1) + " " + surname)
            if alternates:
                record["alternateNames"] = alternates
            if rng.random() < 0.6:
                record["localNames"] = [
                    {"value": name.lower().translate(_CYRILLIC).title(), "language": "ru"}
                ]
            if rng.random() < 0.5:
                record["description"] = self.sentence(6, 12)
            if rng.random() < 0.7:
                record["birthDate"] = _date(rng, 1940, 2000)
            if rng.random() < 0.05:
                record["deathDate"] = _date(rng, 2015, 2025)
            if rng.random() < 0.4:
                record["jobTitle"] = rng.choice(
                    ["journalist", "politician", "activist", "lawyer", "economist"]
                )
            if rng.random() < 0.1:
                record["sameAs"] = [f"https://www.wikidata.org/entity/Q{rng.randint(10_000, 99_999_999)}"]
            out.append(Entity("Person", rid, name, surname, record))
        return out

    def organizations(self) -> list[Entity]:
        rng = self.rng
        out = []
        for _ in range(self.plan.organizations):
            kind = rng.choice(list(_ORG_TYPES))
            name = self._unique_name(
                lambda kind=kind: f"{_word(rng, 2, 3).title()} {_word(rng, 2, 3).title()} {_ORG_TYPES[kind]}"
            )
            rid = self._id(name)
            record: dict[str, Any] = {"kind": "Organization", "id": rid, "name": name, "type": kind}
            if rng.random() < 0.5:
                record["foundingDate"] = _date(rng, 1990, 2024)
            if rng.random() < 0.4:
                record["url"] = f"https://{rid}.example/"
            if rng.random() < 0.3:
                record["alternateNames"] = ["".join(w[0] for w in name.split()).upper() + _word(rng, 1, 1)]
            out.append(Entity("Organization", rid, name, record=record))
        return out

    def events(self, cities: list[Entity], orgs: list[Entity]) -> list[Entity]:
        rng = self.rng
        out = []
        for _ in range(self.plan.events):
            kind = rng.choice(_EVENT_TYPES)
            city = rng.choice(cities)
            name = self._unique_name(
                lambda kind=kind, city=city: (
                    f"{_word(rng, 2, 3).title()} {kind.title()} in {city.name} {rng.randint(2014, 2026)}"
                )
            )
            rid = self._id(name)
            record: dict[str, Any] = {
                "kind": "Event",
                "id": rid,
                "name": name,
                "type": kind,
                "startDate": _date(rng, 2014, 2025, 3),
                "location": city.id,
            }
            if rng.random() < 0.3:
                record["about"] = [rng.choice(orgs).id]
            if rng.random() < 0.1:
                record["announced"] = True
            out.append(Entity("Event", rid, name, record=record))
        return out

    def works(self, persons: list[Entity], orgs: list[Entity]) -> list[Entity]:
        rng = self.rng
        out = []
        for _ in range(self.plan.works):
            kind = rng.choice(_WORK_TYPES)
            name = self._unique_name(lambda kind=kind: f"{kind.title()}: {self.sentence(3, 6)[:-1]}")
            rid = self._id(name)
            record: dict[str, Any] = {
                "kind": "CreativeWork",
                "id": rid,
                "name": name,
                "type": kind,
                "authors": sorted({rng.choice(persons).id for _ in range(rng.randint(1, 2))}),
                "publisher": rng.choice(orgs).id,
                "datePublished": _date(rng, 2015, 2025),
            }
            out.append(Entity("CreativeWork", rid, name, record=record))
        return out

    # -- articles and the facts they support ------------------------------------------------------

    def article(
        self,
        number: int,
        persons: list[Entity],
        orgs: list[Entity],
        cities: list[Entity],
        events: list[Entity],
        works: list[Entity],
    ) -> tuple[dict[str, Any], str, list[dict[str, Any]]]:
        rng = self.rng
        doc_id = f"article-{number:06d}"
        cast = rng.sample(persons, min(len(persons), 8))
        groups = rng.sample(orgs, min(len(orgs), 3))
        places = rng.sample(cities, min(len(cities), 2))
        event = rng.choice(events)
        headline = f"{cast[0].name} and the {groups[0].name}: {self.sentence(3, 7)[:-1]}"
        sentences: list[str] = []
        facts: list[dict[str, Any]] = []
        # (fact, the phrase planted in the text for it)
        planted: list[tuple[dict[str, Any], str]] = []

        def fact(kind: str, suffix: str, **fields: Any) -> dict[str, Any]:
            record = {"kind": kind, "id": f"{doc_id}-{suffix}", **fields}
            facts.append(record)
            return record

        def filler(count: int) -> None:
            sentences.extend(self.sentence() for _ in range(count))

        filler(rng.randint(2, 4))
        for i, person in enumerate(cast[:4]):
            org = groups[i % len(groups)]
            role = rng.choice(_ROLES)
            since = rng.randint(2000, 2024)
            phrase = f"{person.name} has served as {role} of the {org.name} since {since}"
            sentences.append(f"{phrase}, {self.sentence(4, 8).lower()}")
            record = fact(
                "Relation",
                f"role-{i}",
                relation=rng.choice(["memberOf", "worksFor"]),
                subject=person.id,
                object=org.id,
                roleName=role,
                startDate=str(since),
            )
            if rng.random() < 0.3:
                record["endDate"] = str(rng.randint(since, 2025))
            planted.append((record, phrase))
            filler(rng.randint(1, 3))
            if person.surname:
                sentences.append(f"{person.surname} {self.sentence(5, 10).lower()}")
        exile, city = cast[4], places[0]
        phrase = f"has lived in exile in {city.name} since {rng.randint(2012, 2024)}"
        sentences.append(f"{exile.name} {phrase}.")
        planted.append(
            (
                fact(
                    "Relation",
                    "residence",
                    relation="exiledIn",
                    subject=exile.id,
                    object=city.id,
                    startDate=phrase.rsplit(" ", 1)[1],
                ),
                phrase,
            )
        )
        filler(rng.randint(1, 3))
        designee, label = cast[5], rng.choice(_LABELS)
        month, year = rng.randint(1, 12), rng.randint(2012, 2025)
        phrase = f'{designee.name} was designated a "{label}" in {_MONTHS[month - 1]} {year}'
        sentences.append(phrase + ".")
        government = [o for o in groups if o.record["type"] == "government"]
        designation = fact(
            "Designation", "designation", subject=designee.id, label=label, date=f"{year:04d}-{month:02d}"
        )
        if government:
            designation["designatedBy"] = government[0].id
        planted.append((designation, phrase))
        filler(rng.randint(1, 3))
        measure, answer, value = rng.choice(_MEASURES), rng.choice(_ANSWERS), rng.randint(3, 97)
        phrase = f'{value}% answered "{answer}" on {measure}'
        survey_year = rng.randint(2015, 2025)
        sentences.append(f"In {survey_year}, {phrase}, {self.sentence(4, 8).lower()}")
        observation = fact(
            "Observation",
            "observation",
            measure=measure,
            answer=answer,
            value=value,
            unit="percent",
            population=f"Russians living in {places[1].name}",
            date=str(survey_year),
            producer=groups[1].id,
        )
        if rng.random() < 0.5:
            observation["source"] = rng.choice(works).id
        planted.append((observation, phrase))
        filler(rng.randint(1, 3))
        speaker = cast[6]
        quote = self.sentence(6, 12)[:-1].lower()
        sentences.append(f'{speaker.name} said in {places[1].name}: "{quote}."')
        planted.append(
            (
                fact(
                    "Quotation",
                    "quotation",
                    speaker=speaker.id,
                    text=quote,
                    date=_date(rng, 2018, 2025, 3),
                    place=places[1].id,
                    about=[event.id],
                ),
                quote,
            )
        )
        filler(rng.randint(1, 3))
        claimant = cast[7]
        claim = self.sentence(6, 10)[:-1].lower()
        sentences.append(f"According to {claimant.name}, {claim}.")
        planted.append(
            (
                fact(
                    "Claim",
                    "claim",
                    claimant=claimant.id,
                    text=f"{claimant.name} said that {claim}.",
                    about=[groups[2].id],
                ),
                claim,
            )
        )
        filler(rng.randint(1, 3))
        phrase = f"{event.name} was organised by the {groups[0].name}"
        sentences.append(phrase + ".")
        planted.append(
            (
                fact("Relation", "organizer", relation="organizer", subject=event.id, object=groups[0].id),
                phrase,
            )
        )
        sentences.append(f"Among those attending were {cast[1].name} and {cast[2].name}.")
        filler(rng.randint(2, 5))

        paragraphs = [" ".join(sentences[i : i + 4]) for i in range(0, len(sentences), 4)]
        text = f"{headline}\n\n" + "\n\n".join(paragraphs) + "\n"
        normalized = NormalizedText(text)
        for record, phrase in planted:
            if len(normalized.find_all(normalize_phrase(phrase))) == 1:
                record["evidence"] = [{"document": doc_id, "exact": phrase}]
            else:  # a random sentence said the same words again; real curators note such facts
                record["curatorNote"] = "The phrase occurs more than once in the article."
        raw = text.encode("utf-8")
        publisher = rng.choice(orgs)
        document: dict[str, Any] = {
            "id": doc_id,
            "headline": headline,
            "authors": [rng.choice(persons).id],
            "datePublished": _date(rng, 2018, 2025, 3),
            "publisher": publisher.id,
            # Under the publisher's site when it has one, as real articles are.
            "url": f"{publisher.record.get('url') or 'https://news.example/'}{doc_id}",
            "language": "en",
            "genre": rng.choice(_GENRES),
            "text": f"{doc_id}.txt",
            "sha256": hashlib.sha256(raw).hexdigest(),
            "wordCount": len(text.split()),
        }
        if rng.random() < 0.1:
            document["authors"].append(
                {
                    "kind": "Person",
                    "id": f"{doc_id}-author",
                    "name": f"{rng.choice(self.given_m)} {_word(rng, 2, 2).title()}ov",
                    "jobTitle": "journalist",
                }
            )
        if rng.random() < 0.3:
            document["citations"] = [rng.choice(works).id]
        if rng.random() < 0.3:
            document["images"] = [
                {
                    "caption": self.sentence(3, 6),
                    "credit": rng.choice(persons).name,
                    "license": "CC BY-SA 4.0",
                }
            ]
        return document, text, facts

    def run(self) -> None:
        out = self.out
        for sub in ("documents", "records", "texts"):
            (out / sub).mkdir(parents=True, exist_ok=True)
        countries, cities = self.places()
        persons = self.persons()
        orgs = self.organizations()
        events = self.events(cities, orgs)
        works = self.works(persons, orgs)
        (out / "corpus.json").write_text(
            json.dumps(
                {
                    "id": "synthetic",
                    "title": f"exilekg synthetic corpus ({self.plan.articles} articles)",
                    "description": "Generated for benchmarks: random names and texts, no real content.",
                    "base": "https://example.org/synthetic/",
                    "license": "https://creativecommons.org/publicdomain/zero/1.0/",
                    "maintainer": {"name": "exilekg benchmarks"},
                    "version": "0.0.0",
                    "language": "en",
                },
                indent=2,
            ),
            encoding="utf-8",
        )
        # Places as one JSON array, everything else as JSON Lines: both loaders get exercised.
        places = [e.record for e in (*countries, *cities)]
        (out / "records" / "places.json").write_text(json.dumps(places, ensure_ascii=False), encoding="utf-8")
        for stem, entities in (("persons", persons), ("organizations", orgs), ("events", events)):
            writer = _Writer(out / "records", stem)
            for entity in entities:
                writer.write(entity.record)
            writer.close()
        (out / "records" / "works.json").write_text(
            json.dumps([w.record for w in works], ensure_ascii=False, indent=1), encoding="utf-8"
        )
        facts = _Writer(out / "records", "facts")
        for number in range(1, self.plan.articles + 1):
            document, text, records = self.article(number, persons, orgs, cities, events, works)
            (out / "documents" / f"{document['id']}.json").write_text(
                json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8"
            )
            (out / "texts" / document["text"]).write_text(text, encoding="utf-8", newline="\n")
            for record in records:
                facts.write(record)
        facts.close()


def generate(articles: int, out: Path, seed: int = 1) -> Path:
    """Write a corpus of ``articles`` articles into ``out`` (emptied first)."""
    if out.exists():
        shutil.rmtree(out)
    Generator(CorpusPlan(articles, seed), out).run()
    return out


def triples_per_article(seed: int = 1) -> float:
    """Triples per article of the mapped graph, measured on a small sample with exilekg itself."""
    from exilekg.corpus import read_corpus
    from exilekg.map import map_corpus
    from exilekg.mentions import find_mentions
    from exilekg.validation import validate

    with tempfile.TemporaryDirectory() as tmp:
        corpus = read_corpus(generate(SAMPLE_ARTICLES, Path(tmp) / "sample", seed))
        report = validate(corpus)
        report.raise_for_problems()
        triples = sum(1 for _ in map_corpus(corpus, report.anchors, find_mentions(corpus)))
    return triples / SAMPLE_ARTICLES


def articles_for(triples: int, seed: int = 1) -> int:
    return max(1, round(triples / triples_per_article(seed)))


def iter_sizes(text: str) -> Iterator[int]:
    for part in text.split(","):
        part = part.strip().lower().replace("_", "")
        scale = {"k": 1_000, "m": 1_000_000}.get(part[-1:], 1)
        yield int(float(part.rstrip("km")) * scale)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", required=True, help="target number of triples (100k, 1m, 1000000 ...)")
    parser.add_argument("--out", required=True, type=Path, help="folder to write (replaced if it exists)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    target = next(iter_sizes(args.triples))
    started = time.perf_counter()
    articles = articles_for(target, args.seed)
    generate(articles, args.out, args.seed)
    print(
        f"wrote {articles} articles (about {target} triples) to {args.out} "
        f"in {time.perf_counter() - started:.1f} s",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
