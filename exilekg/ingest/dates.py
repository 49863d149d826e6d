"""Publication dates: reading a date line in any of the languages, and judging date signals.

Dates are read by ``dateparser`` (a well-kept multilingual parser), after a fast path for the
numeric and English forms most pages use. A date is taken only when it is fully stated: a
string without a year ("Tuesday", "3 hours ago", "вчера") is read relative to another date
the page itself gives, never relative to today, and dropped when the page gives none.
A time zone given with the time is kept (``2024-08-02T17:50:00-04:00``); a time without a
zone is dropped, since it would claim a precision the page does not have.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from functools import cache
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

__all__ = [
    "DateSignal",
    "date_line",
    "find_date",
    "is_revision",
    "parse_date",
    "placeholder",
    "settle",
    "url_date",
]

_SUPPORTED = ("en", "ru", "uk", "de", "fr")
"""Languages whose month and weekday names are looked for (with English always)."""

_MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        "january jan janvier januar janv январь января січень січня",
        "february feb febr février fevrier februar févr февраль февраля лютий лютого",
        "march mar mars märz maerz март марта березень березня",
        "april apr avril апрель апреля квітень квітня",
        "may mai май мая травень травня",
        "june jun juin juni июнь июня червень червня",
        "july jul juillet juli июль июля липень липня",
        "august aug août aout август августа серпень серпня",
        "september sep sept septembre сентябрь сентября вересень вересня",
        "october oct octobre oktober okt октябрь октября жовтень жовтня",
        "november nov novembre ноябрь ноября листопад листопада",
        "december dec décembre decembre dezember dez декабрь декабря грудень грудня",
    ),
    1,
):
    for _name in _names.split():
        _MONTHS[_name] = _number

_MONTH = r"(?P<month>[^\W\d_]{3,10})\.?"
_DATE_FORMS = (
    re.compile(
        r"(?P<year>\d{4})-(?P<mon>\d{2})-(?P<day>\d{2})"
        r"(?:[T ](?P<time>\d{2}:\d{2}(?::\d{2})?)(?:\.\d+)?(?P<zone>Z|[+-]\d{2}:?\d{2})?)?"
    ),
    re.compile(r"(?P<day>\d{1,2})\.(?P<mon>\d{1,2})\.(?P<year>\d{4})"),
    re.compile(_MONTH + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>\d{4})"),
    re.compile(
        r"(?P<day>\d{1,2})(?:st|nd|rd|th|er)?\.?\s+"
        + _MONTH
        + r",?\s+(?P<year>\d{4})(?:\s*г\.?|\s+года|\s+року|\s*р\.)?"
    ),
)
_LABEL = re.compile(
    r"^(?:[•·|–—-]\s*)?(?:(?:first\s+)?(?:published|posted|date|dated|publication date|released|issued|"
    r"veröffentlicht|erschienen|stand|publié|publié le|mis en ligne|опубликовано|дата публикации|дата|"
    r"опубліковано|дата публікації)(?:\s+(?:on|am|le|в|о))?\s*[:\-–—]?\s*)?",
    re.IGNORECASE,
)
_REVISION = re.compile(
    r"^(?:[•·|–—-]\s*)?(?:updated|last updated|modified|edited|обновлено|изменено|aktualisiert|"
    r"geändert|mis à jour|modifié|оновлено)\b",
    re.IGNORECASE,
)
_REVISION_AFTER = re.compile(
    r"\s*[,;|·•(]\s*(?:updated|last updated|modified|modifié|mis à jour|обновлено|изменено|aktualisiert|"
    r"geändert|оновлено)\b.*$",
    re.IGNORECASE,
)
"""A revision date after the publication date: "Publié le 5 mars, modifié le 6 mars"."""
_ZONE_NAMES = {
    "et": "America/New_York", "edt": "America/New_York", "est": "America/New_York",
    "pt": "America/Los_Angeles", "pdt": "America/Los_Angeles", "pst": "America/Los_Angeles",
    "ct": "America/Chicago", "mt": "America/Denver", "msk": "Europe/Moscow", "мск": "Europe/Moscow",
    "cet": "Europe/Berlin", "cest": "Europe/Berlin", "mez": "Europe/Berlin", "mesz": "Europe/Berlin",
    "bst": "Europe/London", "gmt": "UTC", "utc": "UTC", "eet": "Europe/Kyiv", "eest": "Europe/Kyiv",
    "київ": "Europe/Kyiv", "kyiv": "Europe/Kyiv",
}  # fmt: skip
_ZONE_SUFFIX = re.compile(
    r"\s*\(?\b(?P<zone>" + "|".join(sorted(_ZONE_NAMES, key=len, reverse=True)) + r")\)?\.?$", re.IGNORECASE
)
_OFFSET_SUFFIX = re.compile(r"\s*(?:utc|gmt)?\s*(?P<offset>[+-]\d{1,2}(?::?\d{2})?)$", re.IGNORECASE)
_TIME = re.compile(r"\b\d{1,2}[:h]\d{2}\b(?:\s*[ap]\.?m\.?)?", re.IGNORECASE)
_MAX_DATE_LINE = 80


def _iso(year: str | int, month: int | None, day: str | int) -> date | None:
    if month is None:
        return None
    try:
        found = date(int(year), month, int(day))
    except ValueError:
        return None
    return found if 1800 <= found.year <= 2200 else None


def _fast(text: str) -> str | bool | None:
    """The ISO form when ``text`` is one of the common forms; False when it is not one."""
    for form in _DATE_FORMS:
        match = form.fullmatch(text)
        if match is None:
            continue
        groups = match.groupdict()
        month = _MONTHS.get(groups["month"].casefold()) if groups.get("month") else int(groups["mon"])
        day = _iso(groups["year"], month, groups["day"])
        if day is None:
            return None if groups.get("mon") else False  # "31.02.2024" is no date; "Sept" may be a word
        if groups.get("time") and groups.get("zone"):
            stamp = f"{day.isoformat()}T{groups['time']}"
            moment = datetime.fromisoformat(stamp + groups["zone"].replace("Z", "+00:00"))
            return _format(moment)
        return day.isoformat()
    return False


def _offset(text: str) -> timezone:
    """``+3``, ``+03``, ``+0300`` or ``-03:30`` as a fixed zone."""
    digits = text[1:].replace(":", "")
    hours, minutes = (int(digits[:-2]), int(digits[-2:])) if len(digits) > 2 else (int(digits), 0)
    delta = timedelta(hours=hours, minutes=minutes)
    return timezone(delta if text[0] == "+" else -delta)


def _format(moment: datetime) -> str:
    if moment.tzinfo is None:
        return moment.date().isoformat()
    offset = moment.utcoffset() or timedelta(0)
    fixed = moment.astimezone(timezone(offset))
    return fixed.isoformat(timespec="seconds").replace("+00:00", "Z")


@cache
def _parser(languages: tuple[str, ...]) -> Any:
    from dateparser.date import DateDataParser

    return DateDataParser(
        languages=list(languages),
        settings={
            "PREFER_DATES_FROM": "past",
            "REQUIRE_PARTS": ["day", "month", "year"],
            "RETURN_TIME_AS_PERIOD": True,
        },
    )


@cache
def _relative_parser(languages: tuple[str, ...], base: date) -> Any:
    from dateparser.date import DateDataParser

    return DateDataParser(
        languages=list(languages),
        settings={
            "PREFER_DATES_FROM": "past",
            "RELATIVE_BASE": datetime(base.year, base.month, base.day, 12),
            "RETURN_TIME_AS_PERIOD": True,
        },
    )


def _languages(language: str | None) -> tuple[str, ...]:
    if language in _SUPPORTED and language != "en":
        return (language, "en")
    return ("en", "ru", "uk", "de", "fr")


def parse_date(text: str, *, language: str | None = None, base: date | None = None) -> str | None:
    """The ISO form of ``text`` when all of it states one date (a label and a time may go with it).

    ``base`` is a date the page states elsewhere: only against it is a date without a year
    ("Tuesday 14:05", "3 March", "yesterday") read; without it such a string gives None.
    """
    text = _REVISION_AFTER.sub("", _LABEL.sub("", text.strip(), count=1)).strip(" .,|•·")
    if not text or len(text) > _MAX_DATE_LINE or not re.search(r"\d", text):
        return None
    text, zone = _without_zone(text)
    fast = _fast(_TIME.sub("", text).strip(" ,|•·–—-") if zone is None else text)
    if fast is None or (fast is not False and zone is None):
        return fast if isinstance(fast, str) or fast is None else None
    return _iso_moment(_dateparser_data(text, language, base), zone)


def _iso_moment(parsed: Any, zone: ZoneInfo | timezone | None) -> str | None:
    """The ISO form of dateparser's date, with ``zone`` if it gave a time; None out of 1800-2200."""
    moment = parsed.date_obj if parsed is not None else None
    if moment is None:
        return None
    if zone is not None and parsed.period == "time":
        moment = moment.replace(tzinfo=zone)
    elif parsed.period != "time" or moment.tzinfo is None:
        moment = moment.replace(tzinfo=None)  # a time without a zone is not kept
    if not 1800 <= moment.year <= 2200:
        return None
    return _format(moment)


def _without_zone(text: str) -> tuple[str, ZoneInfo | timezone | None]:
    """``text`` without the time zone after its time (a zone name or an offset), and that zone."""
    match = _ZONE_SUFFIX.search(text) if _TIME.search(text) else None
    if match:
        return text[: match.start()].strip(" ,"), ZoneInfo(_ZONE_NAMES[match.group("zone").casefold()])
    if (offset := _OFFSET_SUFFIX.search(text)) and _TIME.search(text[: offset.start()]):
        return text[: offset.start()].strip(" ,"), _offset(offset.group("offset"))
    return text, None


def _dateparser_data(text: str, language: str | None, base: date | None) -> Any:
    """dateparser's reading of ``text``: on its own with a year, against ``base`` without (else None)."""
    if re.search(r"(?<!\d)(?:1[89]|2[01])\d\d(?!\d)", text) is not None:
        return _parser(_languages(language)).get_date_data(text)
    if base is not None:
        return _relative_parser(_languages(language), base).get_date_data(text)
    return None


def is_revision(text: str) -> bool:
    """A line giving when the article was updated ("Updated 3 min ago", "Mis à jour le ...")."""
    return _REVISION.match(text) is not None


def date_line(line: str, *, language: str | None = None, base: date | None = None) -> str | None:
    """The date of a line that states only a publication date, such as "Published 2 May 2024"."""
    from exilekg.ingest.text import clean

    text = clean(line)
    if _REVISION.match(text):
        return None  # a revision date is not the publication date
    return parse_date(text, language=language, base=base)


_ANY_DATE = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:?\d{2})?)?"
    r"|\d{1,2}[./]\d{1,2}[./]\d{4}(?:,?\s+\d{1,2}:\d{2})?"
    r"|(?:\d{1,2}:\d{2},?\s+)?\d{1,2}(?:st|nd|rd|th|er)?\.?\s+[^\W\d_]{3,10}\.?,?\s+\d{4}(?:,?\s+\d{1,2}:\d{2})?"
    r"|[^\W\d_]{3,10}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}(?:,?\s+(?:at\s+)?\d{1,2}:\d{2}(?:\s*[ap]\.?m\.?)?"
    r"(?:\s+[A-Z]{2,4})?)?",
    re.IGNORECASE,
)


def find_date(text: str, *, language: str | None = None) -> str | None:
    """The first date stated within ``text`` (a byline's "Jane Doe | 4 April 2024")."""
    for match in _ANY_DATE.finditer(text):
        found = parse_date(match.group(0), language=language)
        if found:
            return found
    return None


_URL_DATES = (
    re.compile(r"/(?P<y>\d{4})(?:/(?P<m>\d{2})/|-(?P<n>\d{2})-)(?P<d>\d{2})(?=/|$|[-_.?#])"),
    re.compile(r"/(?P<y>(?:19|20)\d{2})(?P<m>\d{2})(?P<d>\d{2})(?=/|$|[-_.])"),
)


def url_date(url: str) -> str | None:
    """The date in a URL's path: ``/2024/01/02/``, ``/2024-01-02-slug``, ``/20240102/``."""
    path = urlsplit(url).path
    for form in _URL_DATES:
        match = form.search(path)
        if match:
            day = _iso(match["y"], int(match["m"] or match.groupdict().get("n") or 0), match["d"])
            return day.isoformat() if day else None
    return None


# --------------------------------------------------------------------------- judging the signals

_PLACEHOLDERS = frozenset({date(1970, 1, 1), date(1900, 1, 1), date(1901, 1, 1), date(2000, 1, 1)})
_FAR = timedelta(days=45)


@dataclass(frozen=True)
class DateSignal:
    """A date the page gives, where it gives it, and how much it is trusted (higher wins)."""

    value: str
    source: str
    rank: int

    @property
    def day(self) -> date:
        return date.fromisoformat(self.value[:10])


def placeholder(day: date, *, today: date | None = None) -> str | None:
    """Why ``day`` cannot be a publication date, or None when it can."""
    if (day in _PLACEHOLDERS and day.year != 2000) or (day.year < 1991 and (day.month, day.day) == (1, 1)):
        return "a placeholder date (content systems print it when no date is set)"
    bound = (today or date.today()) + timedelta(days=2)
    if day > bound:
        return "a date in the future"
    return None


def settle(
    signals: Sequence[DateSignal], notes: list[str], *, today: date | None = None
) -> DateSignal | None:
    """The publication date among ``signals``, or None; each rejected signal gets a note.

    A signal is rejected when it is a placeholder or in the future, or when other signals
    exist, agree with one another, and it is far from every one of them (a "today" banner
    beside an article's own date). Of the rest, the highest-ranked wins.
    """
    usable: list[DateSignal] = []
    for signal in signals:
        why = placeholder(signal.day, today=today)
        if why:
            notes.append(f"rejected the date {signal.value} ({signal.source}): {why}")
        else:
            usable.append(signal)
    if len(usable) >= 3:
        kept: list[DateSignal] = []
        for signal in usable:
            others = [o for o in usable if o is not signal]
            if all(abs(o.day - signal.day) > _FAR for o in others) and _agree(others):
                notes.append(
                    f"rejected the date {signal.value} ({signal.source}): far from every other date the "
                    f"page gives ({', '.join(sorted({o.value[:10] for o in others}))})"
                )
            else:
                kept.append(signal)
        usable = kept
    if not usable:
        return None
    best = max(usable, key=lambda s: s.rank)
    for other in usable:
        if other is not best and other.day != best.day:
            notes.append(f"the date {best.value} ({best.source}) was used; {other.source} says {other.value}")
    return best


def _agree(signals: Sequence[DateSignal]) -> bool:
    days = [s.day for s in signals]
    return bool(days) and max(days) - min(days) <= _FAR
