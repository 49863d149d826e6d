"""Works an article cites (numbered notes, reference lists) and the credits of its images."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any, NamedTuple

from exilekg.ingest.dates import url_date
from exilekg.ingest.sites import COPYRIGHT, URL, clean_url, copyright_holder
from exilekg.ingest.text import clean, nonblank

__all__ = ["LICENSE", "PHOTO", "citations", "credit_line", "images", "unique_images"]

LICENSE = (
    r"CC[ -]?(?:BY|0|PDM)(?:[ -](?:SA|NC|ND))*(?:[ -]\d\.\d)?(?:\s+[A-Z]{2,5})?"
    r"|CC0(?:\s*1\.0)?|[Pp]ublic [Dd]omain"
)
PHOTO = re.compile(
    r"^(?:(?P<caption>.{0,300}?[.!?])\s+)?\(?"
    r"(?:photo(?:graph)?(?:\s+credit)?|image|picture|illustration|credit|foto|фото|bild|"
    r"фотография|світлина|crédit photo|crédits?|photographie)"
    r"(?:\s*:\s*|\s+by\s+|\s+[—–]\s+|\s+von\s+|\s*©\s*)(?P<credit>.{1,120}?)\)?$",
    re.I,
)

# --------------------------------------------------------------------------- citations

_NOTE_ITEM = re.compile(
    r"^(?:\[(?P<a>\d{1,3})\]|\^(?P<b>\d{1,3})|(?P<c>\d{1,3})[.)]|(?P<d>[¹²³⁴⁵⁶⁷⁸⁹⁰]+))\s*(?P<body>\S.*)$"
)
_SUPERSCRIPTS = str.maketrans("¹²³⁴⁵⁶⁷⁸⁹⁰", "1234567890")
_REFERENCE_HEADINGS = frozenset(
    {
        "references", "sources", "notes", "footnotes", "endnotes", "bibliography", "further reading", "links",
        "источники", "примечания", "ссылки", "литература", "quellen", "anmerkungen", "einzelnachweise",
        "literatur", "références", "notes et références",
    }
)  # fmt: skip


class _Note(NamedTuple):
    number: int
    body: str
    marked: bool  # "[1]", "^1" or a superscript: unambiguously a footnote, unlike "1." which may be a list


def _note_item(line: str) -> _Note | None:
    match = _NOTE_ITEM.match(line.strip())
    if match is None:
        return None
    digits = (
        match.group("a") or match.group("b") or match.group("c") or match.group("d").translate(_SUPERSCRIPTS)
    )
    return _Note(int(digits), match.group("body").strip(), match.group("c") is None)


def _note_runs(lines: Sequence[str]) -> Iterator[list[_Note]]:
    """Runs of consecutive numbered items (blank lines between allowed)."""
    run: list[_Note] = []
    for index in nonblank(lines):
        item = _note_item(lines[index])
        if item is not None and item.number == len(run) + 1:
            run.append(item)
            continue
        if run:
            yield run
        run = [item] if item is not None and item.number == 1 else []
    if run:
        yield run


def _reference_list(lines: Sequence[str]) -> list[str]:
    """Bodies of items under a "References"/"Sources"/"Notes" heading: bullets, or lines with a URL."""
    items: list[str] = []
    heading = False
    for index in nonblank(lines):
        text = clean(lines[index])
        if text.casefold().strip(" :") in _REFERENCE_HEADINGS:
            heading = True
            continue
        if not heading:
            continue
        bullet = re.match(r"^[-*•]\s+(\S.*)$", lines[index].strip())
        if bullet or (URL.search(text) and _note_item(lines[index]) is None):
            items.append(bullet.group(1) if bullet else lines[index].strip())
        elif _note_item(lines[index]) is None:
            heading = False  # prose again: the list is over
    return items


def _cited_work(body: str, work_id: str) -> dict[str, Any] | None:
    url = clean_url(body)
    title = re.search(r"[“\"«„]([^”\"»“]{3,300}?)[.,]?[”\"»“]", body)
    if title:
        name = title.group(1).strip()
    else:
        name = clean(URL.sub("", body)).strip(" .,;:–—-") if url else clean(body).strip(" .,;")
        name = name or url or ""
    if not name:
        return None
    work: dict[str, Any] = {"kind": "CreativeWork", "id": work_id, "name": name}
    work["type"] = "article" if title else "other"
    if url:
        work["url"] = url
    year = re.search(r"\((?:[^()]*\s)?(\d{4})\)", body)
    published = url_date(url) if url else None
    if published or year:
        work["datePublished"] = published or (year.group(1) if year else None)
    return work


def citations(lines: Sequence[str], document_id: str) -> list[dict[str, Any]]:
    bodies: list[str] = []
    for run in _note_runs(lines):
        with_url = sum(1 for note in run if URL.search(note.body))
        # "1." items are an ordinary list unless URLs make them a reference list.
        if all(note.marked for note in run) or with_url * 2 >= len(run):
            bodies.extend(note.body for note in run)
    bodies.extend(_reference_list(lines))
    works: list[dict[str, Any]] = []
    for body in bodies:
        work = _cited_work(body, f"{document_id}.ref-{len(works) + 1}")
        if work is not None:
            works.append(work)
    return works


# --------------------------------------------------------------------------- images


def _split_license(credit: str) -> tuple[str, str | None]:
    match = re.search(r"\s*[(,/]\s*(" + LICENSE + r")\s*\)?\s*$", credit)
    if match is None:
        return credit, None
    return credit[: match.start()].strip(" ,/"), match.group(1)


def _image(caption: str | None, credit: str | None, license_: str | None = None) -> dict[str, Any]:
    image: dict[str, Any] = {}
    if caption:
        image["caption"] = caption
    if credit:
        image["credit"] = credit
    if license_:
        image["license"] = license_
    return image


def _caption_above(
    lines: Sequence[str], index: int, headline: int | None, is_metadata: Callable[[str], bool]
) -> str | None:
    """The line right above a credit (no blank line between) when it can be a caption."""
    if index == 0 or not lines[index - 1].strip() or index - 1 == headline:
        return None
    above = lines[index - 1]
    text = clean(above)
    if is_metadata(above) or len(text) > 300:
        return None
    return text or None


def credit_line(
    lines: Sequence[str], index: int, headline: int | None, is_metadata: Callable[[str], bool]
) -> dict[str, Any] | None:
    """The image credit (with its caption and license) of line ``index``, or None."""
    raw = lines[index].strip()
    text = clean(raw)
    bold = re.match(
        r"^(?P<caption>.*?)\s*\*\*(?P<credit>[^*]+?)\s*\((?P<license>" + LICENSE + r")\)\s*\*\*$", raw
    )
    if bold:
        return _image(
            clean(bold.group("caption")) or None, bold.group("credit").strip(), bold.group("license")
        )
    photo = PHOTO.match(text)
    if photo:
        credit, license_ = _split_license(photo.group("credit").strip(" *_"))
        caption = photo.group("caption") or _caption_above(lines, index, headline, is_metadata)
        return _image(caption, credit, license_) if credit else None
    if COPYRIGHT.match(text) and copyright_holder([raw]) is None:
        credit, license_ = _split_license(COPYRIGHT.sub("", text, count=1).strip())
        return (
            _image(_caption_above(lines, index, headline, is_metadata), credit, license_) if credit else None
        )
    inline = re.match(r"^(?P<caption>.{1,300}?[.!?])\s+©\s*(?P<credit>[^©\d][^©]{0,120})$", text)
    if inline:
        credit, license_ = _split_license(inline.group("credit").strip())
        return _image(inline.group("caption"), credit, license_)
    licensed = re.match(
        r"^(?:(?P<caption>.*[.!?])\s+)?(?P<credit>[^.!?()]{2,80}?)\s*\((?P<license>" + LICENSE + r")\)$",
        text,
    )
    if licensed:
        return _image(licensed.group("caption"), licensed.group("credit").strip(), licensed.group("license"))
    return None


def images(
    lines: Sequence[str], headline: int | None, is_metadata: Callable[[str], bool]
) -> list[dict[str, Any]]:
    """Every image credit of the text, each caption and credit once, in order."""
    found: list[dict[str, Any]] = []
    for index in nonblank(lines):
        image = credit_line(lines, index, headline, is_metadata)
        if image is not None:
            found.append(image)
            continue
        for alt, target in re.findall(r"!\[([^\]]*)\]\(([^)\s]*)[^)]*\)", lines[index]):
            url = clean_url(target)
            image = _image(clean(alt) or None, None)
            if url:
                image["url"] = url
            if image:
                found.append(image)
    return unique_images(found)


def unique_images(found: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """``found`` without repeats: a credit printed twice (under a photo and in a gallery) is one image."""
    kept: list[dict[str, Any]] = []
    for image in found:
        same = next((k for k in kept if _same_image(k, image)), None)
        if same is None:
            kept.append(dict(image))
        else:
            for key, value in image.items():
                same.setdefault(key, value)
    return kept


def _same_image(a: dict[str, Any], b: dict[str, Any]) -> bool:
    if a == b:
        return True
    if not a.get("credit") or a.get("credit") != b.get("credit"):
        return False
    return all(a.get(key) == b.get(key) or not a.get(key) or not b.get(key) for key in ("caption", "url"))
