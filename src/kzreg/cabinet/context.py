"""The page frame's context (a context processor, so every page extending `cabinet/base.html` has it, the
people engineer's `/account/` pages too): the sponsoring registrar (PS-3.8), the registrant rights links
(PS-3.11) and the language choices. Read lazily: a page that does not show the frame reads nothing."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from kzreg.cabinet import registrar_card

RIGHTS_LINKS = (  # PS-3.11: the materials every registration and renewal page links to, as the regulation names them
    ("rights.benefits", "http://www.icann.org/en/registrars/registrant-rights-responsibilities-en.htm"),
    ("rights.agreement", "https://www.icann.org/resources/pages/approved-with-specs-2013-09-17-en"),
)


def frame(request: HttpRequest) -> dict[str, Any]:
    return {
        "frame": {
            "registrar": SimpleLazyObject(registrar_card.card),
            "rights_links": RIGHTS_LINKS,
            "languages": settings.LANGUAGES,
        }
    }
