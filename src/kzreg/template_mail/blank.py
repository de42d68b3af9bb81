"""The blank forms (T1): the Domain template v3.2 and the Contact and Host templates it refers to.

The Kazakh Domain form is the seed's text verbatim (seed lines 124–222), labels, leaders and all; the
Russian and English forms follow it line for line. The parser learns field keys, their order and the
accepted label wording from these same files, so a blank form always parses back cleanly.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

TEMPLATES = ("domain", "contact", "host")
LANGS = ("kk", "ru", "en")

# The first line of each form; altering or removing it returns the form (T4, KZ-V).
VERSION_LINES = {
    "domain": "Domain Version Number: 3.2",
    "contact": "Contact Version Number: 1.0",
    "host": "Host Version Number: 1.0",
}

# The line after the last field ("end of agreement"), in each language.
END_MARKERS = ("КЕЛІСІМ СОҢЫ", "КОНЕЦ СОГЛАШЕНИЯ", "END OF AGREEMENT")


@cache
def blank_form(template: str, lang: str = "kk") -> str:
    """The blank form as text, exactly as it is mailed out."""
    if template not in TEMPLATES or lang not in LANGS:
        raise ValueError(f"no blank form {template!r} in {lang!r}")
    return resources.files("kzreg.template_mail").joinpath(f"forms/{template}-{lang}.txt").read_text("utf-8")
