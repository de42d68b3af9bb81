"""`<login>` (RFC 5730 §2.9.1.1) with RFC 8807's login security extension: what the client asked for,
checked all at once, before the gatekeeper (`kzreg.epp.access`) decides who it is.

With loginSec, a password longer than RFC 5730's 16 characters travels in `<loginSec:pw>` (and
`<loginSec:newPW>`), the core `<pw>`/`<newPW>` then holding the literal `[LOGIN-SECURITY]`; the client's
`<loginSec:userAgent>` goes to the login log.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from lxml import etree

from kzreg.core.errors import Problem
from kzreg.core.messages import Code
from kzreg.epp import namespaces
from kzreg.epp.session_codes import EppCode
from kzreg.epp.xml import E, qname, sub, text_of

EPP = namespaces.EPP
LOGIN_SEC = namespaces.LOGIN_SEC
PLACEHOLDER = "[LOGIN-SECURITY]"


@dataclass(frozen=True)
class LoginRequest:
    client_id: str
    password: str
    new_password: str | None
    lang: str
    objects: frozenset[str]
    extensions: frozenset[str]
    user_agent: str


def _user_agent(login_sec: etree._Element | None) -> str:
    if login_sec is None:
        return ""
    agent = login_sec.find(qname(LOGIN_SEC, "userAgent"))
    if agent is None:
        return ""
    return "; ".join(f"{etree.QName(part).localname}={(part.text or '').strip()}" for part in agent)


def _secret(core: str | None, login_sec: etree._Element | None, tag: str, problems: list[Problem]) -> str | None:
    """The password from `<pw>`/`<newPW>`, or from loginSec's element of that name when the core one is the
    placeholder (RFC 8807 §3.2)."""
    extended = text_of(login_sec, LOGIN_SEC, tag) if login_sec is not None else None
    if core == PLACEHOLDER:
        if extended is None:
            problems.append(Problem(f"loginSec:{tag}", Code.REQUIRED))
        return extended
    if extended is not None:  # the RFC: loginSec's password only with the placeholder in the core element
        problems.append(Problem(tag, EppCode.UNKNOWN_ELEMENT, {"element": f"{tag} (expected {PLACEHOLDER})"}))
    return core


def parse_login(login: etree._Element, extensions: dict[str, etree._Element]) -> tuple[LoginRequest, list[Problem]]:
    problems: list[Problem] = []
    login_sec = extensions.get(LOGIN_SEC)
    client_id = text_of(login, EPP, "clID") or ""
    if not client_id:
        problems.append(Problem("clID", Code.REQUIRED))
    password = _secret(text_of(login, EPP, "pw"), login_sec, "pw", problems)
    if not password:
        problems.append(Problem("pw", Code.REQUIRED))
    new_password = _secret(text_of(login, EPP, "newPW"), login_sec, "newPW", problems)
    options = login.find(qname(EPP, "options"))
    version = text_of(options, EPP, "version") if options is not None else None
    lang = (text_of(options, EPP, "lang") if options is not None else None) or "en"
    if version != "1.0":
        problems.append(Problem("options.version", EppCode.VERSION, {"value": version or ""}))
    if lang not in namespaces.LANGUAGES:
        problems.append(Problem("options.lang", EppCode.LANGUAGE, {"value": lang}))
        lang = "en"
    svcs = login.find(qname(EPP, "svcs"))
    objects = [(o.text or "").strip() for o in svcs.iter(qname(EPP, "objURI"))] if svcs is not None else []
    extension_uris = [(e.text or "").strip() for e in svcs.iter(qname(EPP, "extURI"))] if svcs is not None else []
    for i, uri in enumerate(objects):
        if uri not in namespaces.OBJECTS:
            problems.append(Problem(f"svcs.objURI[{i}]", EppCode.SERVICE_NOT_OFFERED, {"value": uri}))
    for i, uri in enumerate(extension_uris):
        if uri not in namespaces.EXTENSIONS:
            problems.append(Problem(f"svcs.extURI[{i}]", EppCode.SERVICE_NOT_OFFERED, {"value": uri}))
    request = LoginRequest(
        client_id=client_id,
        password=password or "",
        new_password=new_password,
        lang=lang,
        objects=frozenset(objects),
        extensions=frozenset(extension_uris),
        user_agent=_user_agent(login_sec),
    )
    return request, problems


PASSWORD_WARNING = dt.timedelta(days=14)  # how long before expiry a login hears about it
EVENT_TEXTS = {
    "warning": {
        "en": "The password expires soon",
        "ru": "Срок действия пароля скоро истекает",
        "kk": "Құпиясөздің мерзімі жақында бітеді",
    },
    "error": {"en": "The password has expired", "ru": "Срок действия пароля истёк", "kk": "Құпиясөздің мерзімі бітті"},
}


def security_events(
    request: LoginRequest, expires: dt.datetime | None, expired: bool, now: dt.datetime
) -> etree._Element | None:
    """RFC 8807 `<loginSec:loginSecData>` with a password event: `error` when the password has expired,
    `warning` when it expires within two weeks; only to a client that named loginSec at login (§4.1)."""
    if expires is None or LOGIN_SEC not in request.extensions:
        return None
    level = "error" if expired else "warning" if expires - now <= PASSWORD_WARNING else None
    if level is None:
        return None
    data = E(LOGIN_SEC, "loginSecData")
    exdate = expires.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    sub(data, LOGIN_SEC, "event", EVENT_TEXTS[level][request.lang], type="password", level=level, exDate=exdate)
    return data
