"""Names an article mentions that the corpus has no record for: exilekg.suggest and ``exilekg suggest``.

Every name in these texts is invented.
"""

from __future__ import annotations

import json
import shutil
from itertools import takewhile
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from exilekg.cli.suggest import suggest_command
from exilekg.corpus import read_corpus
from exilekg.errors import CorpusError
from exilekg.ingest import ingest
from exilekg.suggest import name_spans, suggest, suggest_corpus

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "example-corpus"
ARTICLES = Path(__file__).resolve().parent / "fixtures" / "articles"


# --------------------------------------------------------------------------- spans


@pytest.mark.parametrize(
    ("text", "spans"),
    [
        ("We met Anna Petrova in Riga last week.", ["Anna Petrova", "Riga"]),
        ("It was Petrova's idea, she said.", ["Petrova"]),
        ("It was Petrova’s idea, she said.", ["Petrova"]),
        ("He joined the Institute for the Study of Exile last year.", ["Institute for the Study of Exile"]),
        ("She spoke to Ursula von Alt and Pedro de Lima.", ["Ursula von Alt", "Pedro de Lima"]),
        ("Both Germany and France agreed.", ["Germany", "France"]),
        ("The report by the FBK and PACE was long.", ["FBK", "PACE"]),
        (
            'Delegates came to the "Free Voices Congress of Exiles" in spring.',
            ["Free Voices Congress of Exiles"],
        ),
        ("В Берлине выступила Анна Петрова.", ["Берлине", "Анна Петрова"]),
        ("Об этом сообщил «Мемориал» в среду.", ["Мемориал"]),
        ("Он читает «Новая газета» каждый день.", ["Новая газета"]),
        ("The Kremlin said nothing.", ["Kremlin"]),
        ("In March the group met on a Monday.", []),
        ("On Tuesday, October 3, they met again.", []),
        ("However, nobody came.", []),
        ("Quietly, the visitors left.", []),
        ("I’m sure it's fine, said Olga Brandt.", ["Olga Brandt"]),
        ("Politician Boris Alder spoke. A politician must listen.", ["Boris Alder"]),
        ("President Lena Kask opened it.", ["Lena Kask"]),
        ("Many Russian and Belarusian exiles came.", []),
        ("The Free Russian Forum met.", ["Free Russian Forum"]),
        ("Read about [Tomas Varga](#) here.", ["Tomas Varga"]),
        ("A note.¹ Then Mira Holm spoke.", ["Mira Holm"]),
        ("Professor J. R. Tolman wrote it.", ["J. R. Tolman"]),
        ("Marchers in Riga. **Jan Novak (CC BY-SA 3.0)**", ["Riga", "Jan Novak"]),
        ("Unbowed: Exile Editors Face A Hard Winter", []),
    ],
)
def test_name_spans(text: str, spans: list[str]) -> None:
    assert name_spans(text) == spans


def test_sentence_initial_word_counts_when_also_capitalised_mid_sentence() -> None:
    text = "Zorin left early. We waited for Zorin until noon."
    assert name_spans(text) == ["Zorin", "Zorin"]


def test_headings_count_only_names_the_prose_uses() -> None:
    assert name_spans("Exiles Gather In Riga\n") == []
    text = "Anna Petrova\n\nExiles Gather In Riga\n\nIn Riga the exiles met Anna Petrova on Saturday.\n"
    assert name_spans(text) == ["Anna Petrova", "Riga", "Anna Petrova"]


def test_titles_of_cited_works_are_not_names() -> None:
    text = (
        "Her study is cited below.\n\n"
        '[1] Lind, Ada. "Patterns of Return Among Recent Emigrants in Northern Cities." Notes 2 (2022).\n'
    )
    assert "Patterns of Return Among Recent Emigrants" not in " ".join(name_spans(text))


# --------------------------------------------------------------------------- known names


def listed(
    texts: dict[str, str], entities: list[tuple[str, str, list[str]]], **kw: object
) -> dict[str, list[tuple[str, int]]]:
    found = suggest(texts, entities, **kw)  # type: ignore[arg-type]
    return {doc: [(s.name, s.frequency) for s in names] for doc, names in found.items()}


def test_suggest_sorts_by_frequency_then_name_and_groups_spellings() -> None:
    texts = {
        "doc-a": (
            "Anna Petrova met Boris Alder. Later Boris Alder met Ánna Petrova and Carl Berg. "
            "Carl Berg and Boris Alder left with Anna Petrova."
        ),
        "doc-b": "Nobody was named here.",
    }
    assert listed(texts, []) == {
        "doc-a": [("Anna Petrova", 3), ("Boris Alder", 3), ("Carl Berg", 2)],
        "doc-b": [],
    }


def test_suggest_leaves_out_known_names_and_rare_ones() -> None:
    texts = {"doc": "Alexeï Navalny and Navalny's team met Olga Brandt, Olga Brandt and Ivo Lenz."}
    entities = [("navalny", "Person", ["Alexei Navalny"])]
    assert listed(texts, entities) == {"doc": [("Olga Brandt", 2), ("Ivo Lenz", 1)]}
    assert listed(texts, entities, min_count=2) == {"doc": [("Olga Brandt", 2)]}


def test_a_surname_alone_is_counted_under_the_full_name() -> None:
    texts = {"doc": "Olga Brandt spoke first. Later Brandt left, and Brandt's team stayed."}
    assert listed(texts, []) == {"doc": [("Olga Brandt", 3)]}


def test_a_name_inside_a_longer_name_is_hidden_only_where_the_longer_name_occurs() -> None:
    entities = [("frf", "Organization", ["Free Russia Forum"])]
    texts = {"forum": "The Free Russia Forum met in Vilnius.", "country": "Exiles left Russia in 2022."}
    assert listed(texts, entities) == {"forum": [("Vilnius", 1)], "country": [("Russia", 1)]}


def test_suggest_corpus_knows_inline_and_json_lines_records(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    shutil.copytree(EXAMPLE, root)
    (root / "records" / "extra.jsonl").write_text(
        '{"kind": "Person", "id": "olga-brandt", "name": "Olga Brandt"}\n', encoding="utf-8"
    )
    text = next((root / "texts").glob("*.txt"))
    text.write_text(text.read_text("utf-8") + "\nOlga Brandt and Ivo Lenz came.\n", "utf-8")
    for document in (root / "documents").glob("*.json"):
        record = json.loads(document.read_text("utf-8"))
        record.pop("sha256", None)
        document.write_text(json.dumps(record), "utf-8")
    names = {s.name for found in suggest_corpus(read_corpus(root)).values() for s in found}
    assert "Ivo Lenz" in names and "Olga Brandt" not in names


def test_suggest_corpus_names_a_missing_text(corpus: Path) -> None:
    victim = next((corpus / "texts").glob("*.txt"))
    victim.unlink()
    with pytest.raises(CorpusError, match=victim.name) as caught:
        suggest_corpus(read_corpus(corpus))
    assert caught.value.path is not None and caught.value.path.parent.name == "documents"


# --------------------------------------------------------------------------- corpus


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    shutil.copytree(EXAMPLE, root)
    return root


def cli() -> click.Group:
    group = click.Group()
    group.add_command(suggest_command)
    return group


def test_cli_lists_unknown_names_per_document(corpus: Path, tmp_path: Path) -> None:
    source = tmp_path / "photo-credits.txt"
    shutil.copy(ARTICLES / "photo-credits.txt", source)
    ingest([source], corpus)
    (corpus / "records" / "more.json").write_text(
        '[{"kind": "Place", "id": "tbilisi", "name": "Tbilisi", "type": "city"}]', encoding="utf-8"
    )
    result = CliRunner().invoke(cli(), ["suggest", str(corpus)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    start = lines.index("photo-credits")
    block = list(takewhile(lambda line: line.startswith("  "), lines[start + 1 :]))
    assert "     1  Emil Sarto" in block
    names = [line.split(maxsplit=1)[1] for line in block]
    assert {"Belgrade", "Hamburg", "Mara Olsen", "Yerevan"} <= set(names)
    assert "Tbilisi" not in names


def test_cli_min_count_and_texts_option(corpus: Path, tmp_path: Path) -> None:
    texts = tmp_path / "texts"
    shutil.copytree(corpus / "texts", texts)
    shutil.rmtree(corpus / "texts")
    result = CliRunner().invoke(cli(), ["suggest", str(corpus), "--texts", str(texts), "--min-count", "50"])
    assert result.exit_code == 0, result.output
    documents = sorted(p.stem for p in (corpus / "documents").glob("*.json"))
    assert result.output.splitlines() == [line for d in documents for line in (d, "  (no unknown names)")]


def test_cli_lets_library_errors_through_to_the_group(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli(), ["suggest", str(tmp_path / "missing")])
    assert isinstance(result.exception, CorpusError)
    assert CliRunner().invoke(cli(), ["suggest", str(tmp_path), "--min-count", "0"]).exit_code == 2
