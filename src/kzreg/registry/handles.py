"""NIC handles in the seed's style (R5): `IVG123` for a person, `CSSC-ORG` for a role; ≤ 10 characters.

Only the prefix and the n-th handle of a prefix are decided here; `registry.operations.contact` counts
the numbers (`HandleSequence`) and lets the unique index settle races.
"""

from __future__ import annotations

import re
import unicodedata

# First letter of a Cyrillic (Russian and Kazakh) word in Latin, for initials only.
_CYRILLIC_INITIAL = {
    "а": "A", "ә": "A", "б": "B", "в": "V", "г": "G", "ғ": "G", "д": "D", "е": "E", "ё": "E", "ж": "Z",
    "з": "Z", "и": "I", "й": "I", "і": "I", "к": "K", "қ": "Q", "л": "L", "м": "M", "н": "N", "ң": "N",
    "о": "O", "ө": "O", "п": "P", "р": "R", "с": "S", "т": "T", "у": "U", "ұ": "U", "ү": "U", "ф": "F",
    "х": "H", "һ": "H", "ц": "C", "ч": "C", "ш": "S", "щ": "S", "ы": "Y", "э": "E", "ю": "Y", "я": "Y",
}  # fmt: skip
ROLE_SUFFIX = "-ORG"
MAX_HANDLE = 10
_STOPWORDS = frozenset({"of", "and", "the", "for", "и", "в", "на", "по", "для", "мен", "және"})


def initial(word: str) -> str:
    """The Latin initial of a word in any script, or '' when it has no letter."""
    for ch in word:
        if not ch.isalpha():
            continue
        low = ch.lower()
        if low in _CYRILLIC_INITIAL:
            return _CYRILLIC_INITIAL[low]
        base = unicodedata.normalize("NFKD", ch)[0].upper()
        if "A" <= base <= "Z":
            return base
    return ""


def individual_prefix(name: str) -> str:
    """`Grozny, Ivan V., III` → `IVG`: first name, patronymic (or middle initial), then surname."""
    parts = [p.strip() for p in name.split(",")]
    surname = parts[0] if parts else ""
    given = parts[1].split() if len(parts) > 1 else []
    if not given and " " in surname:  # "Ivan Grozny" written without a comma
        words = surname.split()
        surname, given = words[-1], words[:-1]
    letters = "".join(initial(w) for w in given[:2]) + initial(surname)
    return letters or "X"


def role_prefix(name: str) -> str:
    """`Customer Service Support Center` → `CSSC`: initials of the significant words, ≤ 6 letters."""
    words = [w for w in re.split(r"[\s\-_,.«»\"'()]+", name) if w and w.lower() not in _STOPWORDS]
    letters = "".join(initial(w) for w in words)
    return (letters or "X")[: MAX_HANDLE - len(ROLE_SUFFIX)]


def role_handle_number(prefix: str, n: int) -> str:
    """The n-th role handle of an acronym: `CSSC-ORG` (0), `CSSC1-ORG`, `CSSC2-ORG`, … within ten characters."""
    if n == 0:
        return f"{prefix}{ROLE_SUFFIX}"
    digits = str(n)
    return f"{prefix[: MAX_HANDLE - len(ROLE_SUFFIX) - len(digits)]}{digits}{ROLE_SUFFIX}"
