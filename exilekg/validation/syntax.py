"""IRIs and language tags, as strictly as RDF parsers read them.

The schemas' patterns keep out spaces and angle brackets; these check the rest of RFC 3987
(percent-encoding, ports, IP literals, which characters may stand where) and RFC 5646, so
that no value a record may hold makes a dump that pyoxigraph or rdflib refuse to parse.
"""

from __future__ import annotations

import ipaddress
import re
from functools import cache

__all__ = ["iri_problem", "language_problem"]

_UCSCHAR = (
    "\u00a0-\ud7ff\uf900-\ufdcf\ufdf0-\uffef"
    + "".join(f"{chr(plane << 16)}-{chr((plane << 16) | 0xFFFD)}" for plane in range(1, 14))
    + "\U000e1000-\U000efffd"
)
_IPRIVATE = "\ue000-\uf8ff\U000f0000-\U000ffffd\U00100000-\U0010fffd"
_UNRESERVED = f"A-Za-z0-9\\-._~{_UCSCHAR}"
_PCHAR = f"(?:[{_UNRESERVED}!$&'()*+,;=:@]|%[0-9A-Fa-f]{{2}})"


@cache
def _iri() -> re.Pattern[str]:
    # Compiled at the first IRI checked (some 30 ms, for the Unicode ranges): a build that trusts
    # its previous validation, or a query, may check none.
    return re.compile(
        "(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*):"
        "(?://"
        f"(?:(?:[{_UNRESERVED}!$&'()*+,;=:]|%[0-9A-Fa-f]{{2}})*@)?"
        f"(?P<host>\\[[^\\]]*\\]|(?:[{_UNRESERVED}!$&'()*+,;=]|%[0-9A-Fa-f]{{2}})*)"
        "(?::[0-9]*)?"
        f"(?:/{_PCHAR}*)*"
        f"|/(?:{_PCHAR}+(?:/{_PCHAR}*)*)?"
        f"|{_PCHAR}+(?:/{_PCHAR}*)*"
        "|)"
        f"(?:\\?(?:{_PCHAR}|[{_IPRIVATE}/?])*)?"
        f"(?:#(?:{_PCHAR}|[/?])*)?"
    )


_IP_FUTURE = re.compile(f"v[0-9A-Fa-f]+\\.[{_UNRESERVED}!$&'()*+,;=:]+")


def iri_problem(value: str) -> str | None:
    """Why ``value`` is not an absolute IRI (RFC 3987), or None."""
    match = _iri().fullmatch(value)
    if match is None:
        for index, char in enumerate(value):
            if char == "%" and not re.fullmatch("[0-9A-Fa-f]{2}", value[index + 1 : index + 3]):
                return "'%' must start a percent-encoded byte such as %20"
        return "it is not a well-formed absolute IRI (RFC 3987)"
    host = match.group("host") or ""
    if host.startswith("["):
        literal = host[1:-1]
        if _IP_FUTURE.fullmatch(literal):
            return None
        try:
            ipaddress.IPv6Address(literal)
        except ValueError:
            return f"the host {host} is not an IPv6 address"
        if "%" in literal:
            return f"the host {host} has a zone index, which IRIs do not allow"
    return None


_ALNUM = "[A-Za-z0-9]"
_LANGUAGE_TAG = re.compile(
    "(?:[A-Za-z]{2,3}(?:-[A-Za-z]{3}){0,3}|[A-Za-z]{4,8})"  # language, with up to three extlangs
    "(?:-[A-Za-z]{4})?"  # script
    "(?:-(?:[A-Za-z]{2}|[0-9]{3}))?"  # region
    f"(?:-(?:{_ALNUM}{{5,8}}|[0-9]{_ALNUM}{{3}}))*"  # variants
    f"(?:-[0-9A-WY-Za-wy-z](?:-{_ALNUM}{{2,8}})+)*"  # extensions
    f"(?:-[xX](?:-{_ALNUM}{{1,8}})+)?"  # private use
    f"|[xX](?:-{_ALNUM}{{1,8}})+"
)


def language_problem(value: str) -> str | None:
    """Why ``value`` is not a well-formed BCP 47 language tag (RFC 5646), or None."""
    if _LANGUAGE_TAG.fullmatch(value):
        return None
    return "it is not a well-formed BCP 47 language tag (such as en, ru, de-CH or sr-Latn)"
