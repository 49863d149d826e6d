"""Text helpers shared by every part of drafting: ids, words, language, lines and boilerplate."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterator, Sequence

__all__ = [
    "HEADER_LINES",
    "MAX_DOCUMENT_ID",
    "clean",
    "compact",
    "count_words",
    "detect_language",
    "entity_id",
    "header_zone",
    "is_boilerplate",
    "next_nonblank",
    "nonblank",
    "slugify",
]

HEADER_LINES = 12
"""How many non-empty lines at the top of an article may hold its byline and date."""

MAX_DOCUMENT_ID = 100  # leaves room for the ".ref-<n>" of citation ids within the schema's 128

_CYRILLIC = str.maketrans(
    {
        "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
        "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
        "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
        "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya", "і": "i",
        "ї": "yi", "є": "ye", "ґ": "g", "ў": "u",
    }
)  # fmt: skip


def slugify(value: str, max_length: int = MAX_DOCUMENT_ID) -> str | None:
    """A record id made of ``value``: ASCII lowercase, Cyrillic transliterated; None if nothing is left."""
    text = unicodedata.normalize("NFKD", value.casefold().translate(_CYRILLIC))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[^a-z0-9._]+", "-", text.encode("ascii", "ignore").decode("ascii"))
    text = re.sub(r"-{2,}", "-", text).strip("-._")[:max_length].rstrip("-._")
    return text or None


def entity_id(name: str, kind: str) -> str:
    """The id of an inline record named ``name``."""
    # A name with no Latin or Cyrillic letters leaves no slug; a digest keeps such ids distinct.
    return slugify(name) or f"{kind}-{hashlib.sha256(name.encode('utf-8', 'surrogatepass')).hexdigest()[:12]}"


def count_words(text: str) -> int:
    """The number of ``\\w+`` runs in ``text``."""
    return len(re.findall(r"\w+", text))


def compact(text: str) -> str:
    """``text`` folded to its lowercase letters and digits, to compare names with host names."""
    folded = unicodedata.normalize("NFKD", text.casefold().translate(_CYRILLIC))
    return "".join(c for c in folded if c.isalnum() and not unicodedata.combining(c))


_STOPWORDS = {
    "en": "the and of to is that with for was are this have from which were been has their they not but "
    "will would its it be an or by on at as",
    "de": "der die das und ist nicht mit sich auf dem den ein eine auch wird sind wurde für von aus bei "
    "nach über wie oder im zum zur des",
    "fr": "le les des est et une dans pour qui sur pas par au aux du avec sont ce cette ont mais plus été "
    "leur ses",
    "es": "el los las del y es por con para se lo su como más pero fue está muy sus",
    "it": "il di che è della per non sono gli nel alla delle anche questo più dei",
    "nl": "het een van en dat niet zijn voor ook worden naar wordt maar deze bij",
    "pl": "nie się jest że jak ale są przez który która oraz także dla od",
    "pt": "os da do das dos não em um para mais foi ao pelo pela também são",
    "ru": "и в не на что как это по но из от для он она они же так уже бы был была были его ее их "
    "также только",
    "uk": "і та що як це від для але він вона вони вже був була були його її їх також тільки",
}
_STOPWORD_SETS = {lang: frozenset(words.split()) for lang, words in _STOPWORDS.items()}
_CYRILLIC_LANGUAGES = ("ru", "uk")


def detect_language(text: str, *, min_hits: int = 3) -> str | None:
    """The text's language as a BCP 47 tag, or None when the evidence is too thin.

    The heuristic: a text mostly in Cyrillic letters is ``ru`` unless Ukrainian
    stopwords outnumber Russian ones. Otherwise each candidate language (en, de,
    fr, es, it, nl, pl, pt) scores one point per word of the text that is among its
    own few dozen most common function words; the best score wins if it is at least
    ``min_hits`` and strictly ahead of the runner-up.
    """
    cyrillic = sum(1 for c in text if "\u0400" <= c <= "\u04ff")
    latin = sum(1 for c in text if c.isalpha() and c < "\u0250")
    words = re.findall(r"\w+", text.casefold())
    if cyrillic > latin:
        return _cyrillic_language(text, words)
    return _latin_language(words, min_hits)


def _cyrillic_language(text: str, words: list[str]) -> str:
    scores = {lang: sum(w in _STOPWORD_SETS[lang] for w in words) for lang in _CYRILLIC_LANGUAGES}
    # "і" and "ї", "є" are letters Russian does not have: a Ukrainian text uses them often.
    scores["uk"] += sum(1 for c in text if c in "іїєґІЇЄҐ") // 4
    return "uk" if scores["uk"] > scores["ru"] else "ru"


def _latin_language(words: list[str], min_hits: int) -> str | None:
    ranked = sorted(
        ((sum(w in words_set for w in words), lang) for lang, words_set in _STOPWORD_SETS.items()
         if lang not in _CYRILLIC_LANGUAGES),
        reverse=True,
    )  # fmt: skip
    (best, lang), (second, _) = ranked[0], ranked[1]
    return lang if best >= min_hits and best > second else None


def clean(line: str) -> str:
    """A line without Markdown decoration: heading marks, emphasis, link targets."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", line)
    text = re.sub(r"^\s*(?:#{1,6}|>)\s+", "", text)
    text = text.replace("**", "").replace("__", "")
    text = re.sub(r"^[*_]+(?=\S)|(?<=\S)[*_]+$", "", text.strip())
    return text.strip()


def nonblank(lines: Sequence[str], start: int = 0) -> Iterator[int]:
    """Indices of the non-empty lines from ``start`` on."""
    return (i for i in range(start, len(lines)) if lines[i].strip())


def next_nonblank(lines: Sequence[str], index: int) -> int | None:
    return next(nonblank(lines, index + 1), None)


def header_zone(lines: Sequence[str], limit: int = HEADER_LINES, start: int = 0) -> list[int]:
    """Indices of the lines from ``start`` that may hold metadata: until the first paragraph-length line."""
    zone: list[int] = []
    for index in nonblank(lines, start):
        if len(zone) >= limit or len(lines[index].strip()) > 300:
            break
        zone.append(index)
    return zone


# --------------------------------------------------------------------------- boilerplate

# Lines a page repeats around every article: navigation, sharing, subscription prompts.
# They are compared casefolded, without surrounding punctuation, after numbering is dropped.
_BOILERPLATE_WORDS = frozenset(
    {
        "published", "updated", "close", "menu", "search", "share", "share this article", "top of page",
        "bottom of page", "back to top", "introduction", "skip to content", "skip to main content",
        "advertisement", "ad", "leave a comment", "comments", "print", "subscribe", "sign in", "log in",
        "login", "register", "home", "listen", "listen to this article", "related", "related articles",
        "read more", "loading", "more news", "all news", "latest news", "logo", "main menu",
        "toggle navigation", "open menu", "donate", "support us", "newsletter", "sign up", "follow us",
        "contact", "about", "about us", "cookies", "cookie settings", "accept", "accept all cookies",
        "english", "русский", "deutsch", "français", "українська", "en", "ru", "de", "fr", "uk", "главная",
        "главное", "новости", "все новости", "меню", "поиск", "поделиться", "подписаться", "реклама",
        "читать также", "читайте также", "комментарии", "войти", "лента новостей", "последние новости",
        "поддержать", "startseite", "nachrichten", "alle nachrichten", "suche", "teilen", "anmelden",
        "werbung", "mehr zum thema", "accueil", "actualités", "toutes les actualités", "rechercher",
        "partager", "s'abonner", "publicité", "lire aussi", "головна", "новини", "всі новини", "пошук",
        "поділитися", "підписатися", "читайте також", "останні новини", "breaking news", "breaking",
        "view in browser", "unsubscribe",
    }
)  # fmt: skip
_BOILERPLATE_PHRASES = re.compile(
    r"^(?:skip to|jump to|перейти к|zum inhalt|aller au contenu|перейти до)\b"
    r"|^(?:help us|support us|support our|subscribe to|sign up for|join us|become a member|donate)\b"
    r"|^(?:помогите нам|поддержите|подпишитесь|станьте)\b|^(?:unterstützen sie|abonnieren sie)\b"
    r"|^(?:soutenez|abonnez-vous)\b|^(?:підтримайте|підпишіться)\b"
    r"|\b(?:reach|hit|get to)\s+[\d.,\s]+k?\s*(?:new\s+)?(?:members|subscribers|supporters|readers|donors)\b"
    r"|\bcookies?\b.{0,40}\b(?:accept|consent|use)\b|\b(?:accept|use)\b.{0,40}\bcookies?\b",
    re.IGNORECASE,
)
_READING_TIME = re.compile(
    r"(?:reading time|read time|время чтения|lesezeit|temps de lecture|час читання)\s*:?\s*\d+\s*\w*\.?"
    r"|\d+\s*(?:min(?:ute)?s?|мин(?:ут[аы]?)?\.?|хв(?:илин[аи]?)?\.?)\s*(?:read|чтения|lesezeit|de lecture|"
    r"читання)?",
    re.IGNORECASE,
)
_IMAGE_FILE = re.compile(r"[^\s/\\]+\.(?:jpe?g|png|gif|webp|svg|tiff?|bmp|avif|heic)", re.I)
_NUMBERED = re.compile(r"^\s*(?:\d{1,2}[.)]|[-*•·])\s+")
_MENU_SEPARATORS = re.compile(r"\s+[|/>»›•·]\s+|\s{3,}|\t")
_HASHTAGS = re.compile(r"(?:#[^\W\d_][\w-]*\s*){1,}")
_COUNTERS = re.compile(r"[\d\s.,:kKмтыс]+(?:views?|просмотр\w*|comments?|коммент\w*)?", re.I)


def is_boilerplate(line: str) -> bool:
    """A line of site furniture rather than of the article (menus, buttons, banners, hashtags)."""
    text = clean(line)
    bare = _NUMBERED.sub("", text).casefold().strip(" :.…!|-–—>»")
    if not bare:
        return True
    if bare in _BOILERPLATE_WORDS or _BOILERPLATE_PHRASES.search(bare):
        return True
    if _READING_TIME.fullmatch(bare) or _IMAGE_FILE.fullmatch(text) or _HASHTAGS.fullmatch(text.strip()):
        return True
    if _COUNTERS.fullmatch(bare) and not re.search(r"\d{4}", bare):
        return True  # view or comment counters, "12", "3.4K"
    parts = [p for p in _MENU_SEPARATORS.split(text) if p.strip()]
    # A breadcrumb or a menu: several short items in one line, none of them a sentence.
    return len(parts) >= 3 and all(len(p.split()) <= 3 for p in parts)
