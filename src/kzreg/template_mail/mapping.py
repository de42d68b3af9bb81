"""Form fields ↔ registry commands and problem fields (T6–T8).

Forward: a parsed Domain, Contact or Host form becomes the channel-neutral command. Backward: each
problem an operation reports names a neutral field (`registrant.email`, `nameservers[2].addresses`),
which becomes the form field the sender filled in (`3l`, `8d`).
"""

from __future__ import annotations

import re
from itertools import repeat

from kzreg.core.errors import Problem
from kzreg.registry import commands as c
from kzreg.template_mail.parser import ParsedForm
from kzreg.template_mail.problems import FormProblem

SECTIONS = {"registrant": "3", "admin": "4", "tech": "5", "billing": "6"}
CONTACT_LETTERS = {
    "handle": "a", "kind": "b", "name": "c", "organisation": "d", "address": "e", "city": "f", "region": "g",
    "postal_code": "h", "country_code": "i", "phones": "j", "faxes": "k", "emails": "l", "language": "m",
}  # fmt: skip
LOCATION_LETTERS = {"address": "a", "city": "b", "region": "c"}
# Name server i: (name field, addresses field); 0 is the primary (7a/7b), then 8a/8b … 8i/8j.
NS_FIELDS = [("7a", "7b"), ("8a", "8b"), ("8c", "8d"), ("8e", "8f"), ("8g", "8h"), ("8i", "8j")]
ACTIONS = {
    "N": ("n", "new", "жаңа", "новый", "новая", "создать"),
    "M": ("m", "modify", "өзгерту", "изменить", "изменение"),
    "D": ("d", "delete", "жою", "удалить", "удаление"),
}
SCHEMES = {
    "": ("", "n", "none", "no"),
    "M": ("m", "mail-from", "mailfrom", "mail"),
    "C": ("c", "crypt-pw", "cryptpw", "crypt"),
    "P": ("p", "pgp"),
}
_NS_RE = re.compile(r"^nameservers\[(\d+)\]\.(name|addresses)$")


def _choice(raw: str, table: dict[str, tuple[str, ...]]) -> str | None:
    value = raw.strip().casefold().replace("(", "").replace(")", "")
    for code, words in table.items():
        if value in words:
            return code
    return None


def action_code(raw: str) -> str | None:
    return _choice(raw, ACTIONS)


def action_of(form: ParsedForm) -> str | None:
    """`N`, `M`, `D`, or None when 0a is missing or unreadable (then a problem says so)."""
    raw = form.get("0a")
    action = _choice(raw, ACTIONS)
    if action is None or (form.template == "contact" and action == "D"):
        form.problems.append(FormProblem("0a", "bad_action", {"value": raw[:40]}))
        return None
    return action


def scheme_of(form: ParsedForm, key: str = "0b") -> str | None:
    scheme = _choice(form.get(key), SCHEMES)
    if scheme is None:
        form.problems.append(FormProblem(key, "bad_scheme", {"value": form.get(key)[:40]}))
    return scheme


# Section → [(ContactData field, form key)], e.g. "3" → [("kind", "3b"), ("name", "3c"), ...].
_CONTACT_KEYS = {
    section: [(name, section + letter) for name, letter in CONTACT_LETTERS.items() if name != "handle"]
    for section in "2" + "".join(SECTIONS.values())
}
_CONTACT_FORM_KEYS = {section: [key for _, key in pairs] for section, pairs in _CONTACT_KEYS.items()}
_CONTACT_NAMES = [name for name, _ in _CONTACT_KEYS["3"]]  # the same in every section
_ADDRESS_SEPARATORS = re.compile(r"[,;\s]+")


def contact_ref(form: ParsedForm, section: str) -> c.ContactRef | None:
    """A handle when `a` is given (the rest is then ignored: KZ-§4-6), data when any other line is."""
    fields = form.fields
    handle = fields.get(section + "a")
    if handle:
        return handle
    if not any(map(fields.get, _CONTACT_FORM_KEYS[section])):  # an empty section, as most are: no dict
        return None
    values = dict(zip(_CONTACT_NAMES, map(fields.get, _CONTACT_FORM_KEYS[section], repeat("")), strict=True))
    values["language"] = values["language"] or "ru"
    return c.ContactData(**values)  # type: ignore[arg-type]


def nameservers(form: ParsedForm) -> tuple[c.NameServer, ...] | None:
    """The full list (T7); None when sections 7–8 are all empty."""
    out = []
    fields = form.fields
    for name_key, addr_key in NS_FIELDS:
        name, addresses = fields.get(name_key, ""), fields.get(addr_key, "")
        if name or addresses:
            out.append(c.NameServer(name, _addresses(addresses)))
    return tuple(out) if out else None


def _addresses(text: str) -> tuple[str, ...]:
    """Addresses separated by commas, semicolons or blanks; `str.split` when there are only blanks
    (it splits at exactly the blanks `\\s` matches, and never yields an empty item)."""
    if "," not in text and ";" not in text:
        return tuple(text.split())
    return tuple(a for a in _ADDRESS_SEPARATORS.split(text) if a)


def location(form: ParsedForm) -> c.Location | None:
    fields = form.fields
    lines = [fields.get(key, "") for key in ("9a", "9b", "9c")]
    return c.Location(*lines) if any(lines) else None


def period(form: ParsedForm) -> int | None:
    raw = form.get("1b").strip()
    if not raw:
        return None
    digits = raw.split()[0]
    if not digits.isdigit() or len(digits) > 3:
        form.problems.append(FormProblem("1b", "not_number", {"value": raw[:20]}))
        return None
    return int(digits)


def create_command(form: ParsedForm) -> c.CreateDomain:
    return c.CreateDomain(
        name=form.get("2"),
        period=period(form),
        registrant=contact_ref(form, "3"),
        admin=contact_ref(form, "4"),
        tech=contact_ref(form, "5"),
        billing=contact_ref(form, "6"),
        nameservers=nameservers(form) or (),
        location=location(form),
        purpose=form.get("1a"),
    )


def modify_command(form: ParsedForm) -> c.ModifyDomain:
    """Only the sections given change, each replaced whole (T7). Section 3 goes to the registry as given:
    the registry refuses another registrant (R14, for every channel)."""
    loc = location(form)
    if loc is not None and not all((loc.address, loc.city, loc.region)):
        form.problems.append(FormProblem("9", "location_whole"))
    return c.ModifyDomain(
        name=form.get("2"),
        registrant=contact_ref(form, "3"),
        admin=contact_ref(form, "4"),
        tech=contact_ref(form, "5"),
        billing=contact_ref(form, "6"),
        nameservers=nameservers(form),
        location=loc,
        purpose=form.get("1a") or None,
        add_years=period(form),
    )


def check_delete(form: ParsedForm) -> None:
    """T8: sections 0–2 only."""
    if form.any_filled("3456789"):
        form.problems.append(FormProblem("3-9", "must_be_empty"))


def transfer_command(new_form: ParsedForm, authorization: str) -> c.TransferDomain:
    return c.TransferDomain(
        name=new_form.get("2"),
        registrant=contact_ref(new_form, "3"),
        admin=contact_ref(new_form, "4"),
        tech=contact_ref(new_form, "5"),
        billing=contact_ref(new_form, "6"),
        nameservers=nameservers(new_form),
        location=location(new_form),
        authorization=authorization,
    )


def contact_changes(form: ParsedForm) -> dict[str, object]:
    """Contact template lines 2b–2m that are filled in → ModifyContact changes."""
    return {
        name: form.get(f"2{letter}")
        for name, letter in CONTACT_LETTERS.items()
        if name != "handle" and form.get(f"2{letter}")
    }


def form_field(neutral: str, template: str = "domain") -> str:
    """`registrant.email` → `3l`, `nameservers[1].addresses` → `8b`, `location.city` → `9b`, ..."""
    if template == "contact":
        head = neutral.split(".")[-1]
        if head in CONTACT_LETTERS and head != "handle":
            return "2" + CONTACT_LETTERS[head]
        return {"handle": "1", "security_scheme": "3a", "crypt_password": "3b", "crypt_hash": "3b",
                "pgp_key": "3c"}.get(head, neutral)  # fmt: skip
    if template == "host":
        return {"name": "1", "new_name": "2", "addresses": "3"}.get(neutral, neutral)
    head, _, rest = neutral.partition(".")
    if head in SECTIONS:
        return SECTIONS[head] + CONTACT_LETTERS.get(rest, "") if rest else SECTIONS[head]
    if head == "location":
        return "9" + LOCATION_LETTERS.get(rest, "") if rest else "9"
    m = _NS_RE.match(neutral)
    if m and int(m[1]) < len(NS_FIELDS):
        return NS_FIELDS[int(m[1])][0 if m[2] == "name" else 1]
    return {"name": "2", "period": "1b", "add_years": "1b", "purpose": "1a", "nameservers": "7-8"}.get(neutral, neutral)


def map_problems(problems: tuple[Problem, ...] | list[Problem], template: str = "domain") -> list[FormProblem]:
    return [FormProblem(form_field(p.field, template), problem=p) for p in problems]
