"""The site's phrases for a kind of record: small templates over the kind's slots.

A *slot* is a property the phrase reads from a record's node. In a template, ``{name}``
is the slot's first value (a literal's text, a record's label, or for a property slot
the property's words), ``{name|default}`` gives a default when it has none (``{name|}``
an empty one), ``{name:90}`` clips the text to 90 characters, ``{name*}`` takes every
value (joined by ", "; alone as a sentence word, one link per value), and ``[...]`` is
left out when a slot inside it has no value. A template whose required slot has no
value yields nothing. :data:`exilekg.kinds.KINDS` holds each kind's :class:`Phrasing`;
:class:`exilekg.publish.model.SiteModel` fills them in from the graph.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from exilekg.terms import IRI

__all__ = ["Group", "Phrasing", "Placeholder", "Slot", "Template", "Word", "phrasing"]


@dataclass(frozen=True)
class Placeholder:
    """``{slot|default:clip*}`` in a template."""

    slot: str
    default: str | None = None
    """The text when the slot has no value; None: the template (or its group) needs a value."""
    clip: int | None = None
    every: bool = False
    """Every value of the slot, not only the first."""


@dataclass(frozen=True)
class Group:
    """``[...]``: text left out when one of its placeholders has no value."""

    parts: tuple[str | Placeholder, ...]


_TOKEN = re.compile(
    r"\{(?P<slot>\w+)(?:\|(?P<default>[^}:]*))?(?::(?P<clip>\d+))?(?P<every>\*)?\}|\[|\]|[^{}\[\]]+"
)


@dataclass(frozen=True)
class Template:
    """A phrase with slots, parsed once from its source (see the module's description)."""

    source: str
    parts: tuple[str | Placeholder | Group, ...]

    @classmethod
    def parse(cls, source: str) -> Template:
        parts: list[str | Placeholder | Group] = []
        group: list[str | Placeholder] | None = None
        position = 0
        for match in _TOKEN.finditer(source):
            if match.start() != position:
                break
            position = match.end()
            token = match.group()
            if token == "[":
                if group is not None:
                    raise ValueError(f"template {source!r}: groups do not nest")
                group = []
            elif token == "]":
                if group is None:
                    raise ValueError(f"template {source!r}: ']' without '['")
                parts.append(Group(tuple(group)))
                group = None
            else:
                part: str | Placeholder = token
                if match.group("slot"):
                    clip = match.group("clip")
                    part = Placeholder(
                        match.group("slot"),
                        match.group("default"),
                        int(clip) if clip else None,
                        bool(match.group("every")),
                    )
                (parts if group is None else group).append(part)
        if position != len(source) or group is not None:
            raise ValueError(f"template {source!r} is malformed at character {position}")
        return cls(source, tuple(parts))

    @property
    def slots(self) -> tuple[str, ...]:
        found: list[str] = []
        for part in self.parts:
            for item in part.parts if isinstance(part, Group) else (part,):
                if isinstance(item, Placeholder):
                    found.append(item.slot)
        return tuple(dict.fromkeys(found))

    @property
    def links(self) -> str | None:
        """The slot of a template that is nothing but ``{slot*}``: a sentence shows its values as links."""
        if len(self.parts) == 1:
            only = self.parts[0]
            if isinstance(only, Placeholder) and only.every and only.default is None and only.clip is None:
                return only.slot
        return None

    def fill(self, texts: Callable[[str], Sequence[str]]) -> str | None:
        """The phrase, with ``texts(slot)`` giving each slot's values; None if a required slot has none."""
        out: list[str] = []
        for part in self.parts:
            if isinstance(part, Group):
                filled = [_fill(item, texts) for item in part.parts]
                if all(text is not None for text in filled):
                    out.extend(text for text in filled if text is not None)
                continue
            text = _fill(part, texts)
            if text is None:
                return None
            out.append(text)
        return "".join(out)


def _fill(part: str | Placeholder, texts: Callable[[str], Sequence[str]]) -> str | None:
    if isinstance(part, str):
        return part
    values = [text for text in texts(part.slot) if text]
    if values:
        text = ", ".join(values) if part.every else values[0]
    elif part.default is not None:
        text = part.default
    else:
        return None
    if part.clip is not None and len(text) > part.clip:
        text = text[: part.clip - 1].rstrip() + "…"
    return text


@dataclass(frozen=True)
class Slot:
    """A value a kind's phrases show: the property it is read from."""

    predicate: IRI
    is_property: bool = False
    """The value is itself a property (a Relation's ``rdf:predicate``): shown by its words."""
    quantity: bool = False
    """The slot is a figure: its value, bounds, qualifier and unit in words ("about 33%", "over
    150 people", "35–40%"; :func:`exilekg.quantities.quantity_text`), not one property's value."""


Word = Template | tuple[Template, ...]
"""A word of a sentence; a tuple is a run of words left out when one of its slots has no value."""


@dataclass(frozen=True)
class Phrasing:
    """How the site names a record of a kind (its page title) and states it (its sentence and notes)."""

    slots: Mapping[str, Slot]
    label: Template | None = None
    """The record's name on the site; without one (or without its values), its ``schema:name``."""
    sentence: tuple[Word, ...] = ()
    """The words that state a fact; without them, its label."""
    notes: tuple[Template, ...] = ()
    """Remarks after the sentence, each shown only when its slots have values."""
    quote: str | None = None
    """The slot whose text the record's page shows as a quotation."""

    @property
    def templates(self) -> tuple[Template, ...]:
        """Every template of the phrasing."""
        words = [t for word in self.sentence for t in (word if isinstance(word, tuple) else (word,))]
        return (*([self.label] if self.label else []), *words, *self.notes)


def phrasing(
    slots: Mapping[str, IRI | Slot],
    label: str | None = None,
    sentence: Sequence[str | tuple[str, ...]] = (),
    notes: Sequence[str] = (),
    quote: str | None = None,
) -> Phrasing:
    """A kind's phrasing from the templates' sources; a template naming no slot of ``slots`` is refused."""
    made = Phrasing(
        {name: slot if isinstance(slot, Slot) else Slot(slot) for name, slot in slots.items()},
        Template.parse(label) if label is not None else None,
        tuple(_word(word) for word in sentence),
        tuple(Template.parse(note) for note in notes),
        quote,
    )
    named = [(template.source, slot) for template in made.templates for slot in template.slots]
    named += [("quote", quote)] if quote is not None else []
    for source, slot in named:
        if slot not in made.slots:
            raise ValueError(f"{source!r} names {slot!r}, which is not a slot: {', '.join(made.slots)}")
    return made


def _word(word: str | tuple[str, ...]) -> Word:
    return tuple(map(Template.parse, word)) if isinstance(word, tuple) else Template.parse(word)
