"""The frames the server writes: the greeting (RFC 5730 §2.4) and the `<response>` envelope around a
handler's `Response` (§2.6): results with `<msg lang>` in the session's language, an `<extValue>` per
problem (its value names the field, its reason is the problem in that language), then `<msgQ>`,
`<resData>`, `<extension>` and `<trID>`, in the schema's order."""

from __future__ import annotations

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
    root = _envelope()
    greet = sub(root, EPP, "greeting")
    sub(greet, EPP, "svID", server_id)
    sub(greet, EPP, "svDate", clock.now().isoformat(timespec="milliseconds").replace("+00:00", "Z"))
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
    return serialize(root)


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
