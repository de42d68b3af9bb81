"""Every word the public site and the cabinet show, in Kazakh, Russian and English.

One catalog (`texts_public`, `texts_cabinet`), each entry `(kk, ru, en)`, read by the `{% t "key" %}`
template tag and by views through `text()`. A missing language cannot slip in: the tuples have three
places, and `tests/cabinet/test_texts.py` checks every key a template names exists here.
"""

from __future__ import annotations

from typing import Any

from django.utils import translation

from kzreg.cabinet.texts_cabinet import CABINET
from kzreg.cabinet.texts_money import MONEY
from kzreg.cabinet.texts_ops import OPS
from kzreg.cabinet.texts_public import PUBLIC
from kzreg.cabinet.texts_resellers import RESELLERS
from kzreg.cabinet.texts_settings import SETTINGS

LANGUAGES = ("kk", "ru", "en")
CATALOG: dict[str, tuple[str, str, str]] = {**PUBLIC, **CABINET, **OPS, **MONEY, **SETTINGS, **RESELLERS}
assert len(CATALOG) == len(PUBLIC) + len(CABINET) + len(OPS) + len(MONEY) + len(SETTINGS) + len(RESELLERS), (
    "a key is in two catalogs"
)


def current_language() -> str:
    """The request's language (LocaleMiddleware: the kept choice, then the browser's), else Kazakh."""
    lang = (translation.get_language() or "kk")[:2]
    return lang if lang in LANGUAGES else "kk"


def text(key: str, lang: str | None = None, **params: Any) -> str:
    """The entry in `lang` (default: the request's), with `{name}` fields filled from `params`."""
    words = CATALOG[key][LANGUAGES.index(lang or current_language())]
    return words.format(**params) if params else words
