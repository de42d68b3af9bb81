"""`{% pt "key" %}`: the `/account/` pages' words in the request's language (`accounts.texts_people`)."""

from __future__ import annotations

from django import template

from kzreg.accounts.texts_people import ptext

register = template.Library()


@register.simple_tag
def pt(key: str, **params: object) -> str:
    return ptext(key, None, **params)
