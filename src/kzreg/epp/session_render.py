"""The frames the server writes: the greeting (RFC 5730 §2.4) and the `<response>` envelope around a
handler's `Response` (§2.6): results with `<msg lang>` in the session's language, an `<extValue>` per
problem (its value names the field, its reason is the problem in that language), then `<msgQ>`,
`<resData>`, `<extension>` and `<trID>`, in the schema's order."""

from __future__ import annotations

import functools

from lxml import etree

from kzreg.core import clock
from kzreg.epp import namespaces, results
from kzreg.epp.protocol import Response, Result
from kzreg.epp.xml import qname, serialize, sub

EPP = namespaces.EPP
SERVER_ID = "kzreg EPP"


def _envelope() -> etree._Element:
    return etree.Element(qname(EPP, "epp"), nsmap={None: EPP})


def greeting(server_id: str = SERVER_ID) -> bytes:
    """The greeting with the current `svDate`: the rest is the same for every connection and built once."""
    before, after = _greeting_parts(server_id)
    return before + clock.now().isoformat(timespec="milliseconds").replace("+00:00", "Z").encode() + after


_DATE_MARK = "2000-01-01T00:00:00.000Z"


@functools.lru_cache(maxsize=8)
def _greeting_parts(server_id: str) -> tuple[bytes, bytes]:
    root = _envelope()
    greet = sub(root, EPP, "greeting")
    sub(greet, EPP, "svID", server_id)
    sub(greet, EPP, "svDate", _DATE_MARK)
    menu = sub(greet, EPP, "svcMenu")
    sub(menu, EPP, "version", "1.0")
    for lang in namespaces.LANGUAGES:
        sub(menu, EPP, "lang", lang)
    for uri in namespaces.OBJECTS:
        sub(menu, EPP, "objURI", uri)
    extension = sub(menu, EPP, "svcExtension")
    for uri in namespaces.EXTENSIONS:
        sub(extension, EPP, "extURI", uri)
    dcp = sub(greet, EPP, "dcp")
    sub(sub(dcp, EPP, "access"), EPP, "personalAndOther")
    statement = sub(dcp, EPP, "statement")
    purpose = sub(statement, EPP, "purpose")
    sub(purpose, EPP, "admin")
    sub(purpose, EPP, "prov")
    sub(sub(statement, EPP, "recipient"), EPP, "ours")
    sub(sub(statement, EPP, "retention"), EPP, "legal")
    before, after = serialize(root).split(f"<svDate>{_DATE_MARK}</svDate>".encode())
    return before + b"<svDate>", b"</svDate>" + after


def _field_element(field: str) -> etree._Element:
    """The `<value>` content naming a problem's field: kzreg's `<kz:field>` with the channel-neutral path."""
    element = etree.Element(qname(namespaces.KZ, "field"), nsmap={"kz": namespaces.KZ})
    element.text = field or "command"
    return element


def _result(parent: etree._Element, result: Result, lang: str) -> None:
    node = sub(parent, EPP, "result", code=str(result.code))
    msg = sub(node, EPP, "msg", result.message or results.text(result.code, lang))
    if lang != "en":
        msg.set("lang", lang)
    values = list(result.values)
    for i, problem in enumerate(result.problems):
        ext = sub(node, EPP, "extValue")
        value = sub(ext, EPP, "value")
        value.append(values[i] if i < len(values) else _field_element(problem.field))
        reason = sub(ext, EPP, "reason", problem.render(lang))
        if lang != "en":
            reason.set("lang", lang)
    for extra in values[len(result.problems) :]:
        sub(node, EPP, "value").append(extra)


def response(answer: Response, lang: str, client_trid: str, server_trid: str) -> bytes:
    """The `<response>` frame. A plain success (one result without problems or values, no `<msgQ>`),
    which is nearly every command's answer (a check's above all), is written as bytes around lxml's
    serialization of the handler's own elements: building and serializing the envelope as a tree was
    about a tenth of a check's CPU. The bytes are the tree's (tests/epp compare the two on every
    response the suite makes); anything else is rendered as a tree."""
    results_ = answer.results
    if len(results_) != 1 or answer.message_queue is not None:
        return tree_response(answer, lang, client_trid, server_trid)
    result = results_[0]
    if result.problems or result.values:
        return tree_response(answer, lang, client_trid, server_trid)
    res_data = answer.res_data
    if res_data is not None and (res_data.tag == _RES_DATA or res_data.getparent() is not None):
        return tree_response(answer, lang, client_trid, server_trid)
    if any(element.getparent() is not None for element in answer.extensions):
        return tree_response(answer, lang, client_trid, server_trid)
    parts = [_HEAD, _result_bytes(result.code, result.message, lang)]
    if res_data is not None:
        parts += [b"<resData>", etree.tostring(res_data, encoding="UTF-8"), b"</resData>"]
    if answer.extensions:
        parts.append(b"<extension>")
        parts += [etree.tostring(element, encoding="UTF-8") for element in answer.extensions]
        parts.append(b"</extension>")
    parts.append(b"<trID>")
    if client_trid:
        parts += [b"<clTRID>", _escape(client_trid), b"</clTRID>"]
    parts += [b"<svTRID>", _escape(server_trid), b"</svTRID></trID></response></epp>"]
    return b"".join(parts)


_RES_DATA = qname(EPP, "resData")
_HEAD = serialize(_envelope()).replace(b"/>", b"><response>")  # `<epp xmlns=…/>` opened, then <response>


@functools.lru_cache(maxsize=256)
def _result_bytes(code: int, message: str | None, lang: str) -> bytes:
    lang_attribute = b"" if lang == "en" else b' lang="%s"' % lang.encode()  # en, ru or kk (namespaces.LANGUAGES)
    return b'<result code="%d"><msg%s>%s</msg></result>' % (
        code,
        lang_attribute,
        _escape(message or results.text(code, lang)),
    )


def _escape(text: str) -> bytes:
    """Element text as libxml2 writes it in UTF-8."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;").encode()


def tree_response(answer: Response, lang: str, client_trid: str, server_trid: str) -> bytes:
    """The `<response>` frame built as an lxml tree: every shape of answer."""
    root = _envelope()
    node = sub(root, EPP, "response")
    for result in answer.results or [Result(2400)]:
        _result(node, result, lang)
    if answer.message_queue is not None:
        node.append(answer.message_queue)
    if answer.res_data is not None:
        res_data = answer.res_data
        if res_data.tag != qname(EPP, "resData"):
            wrapper = sub(node, EPP, "resData")
            wrapper.append(res_data)
        else:
            node.append(res_data)
    if answer.extensions:
        extension = sub(node, EPP, "extension")
        for element in answer.extensions:
            extension.append(element)
    trid = sub(node, EPP, "trID")
    if client_trid:
        sub(trid, EPP, "clTRID", client_trid)
    sub(trid, EPP, "svTRID", server_trid)
    return serialize(root)
