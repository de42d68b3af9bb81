"""The plain-success frames written as bytes (`session_render.response`) are the lxml tree's bytes, with
text that needs escaping, every language, resData and extensions; other shapes go to the tree."""

from __future__ import annotations

import pytest

from kzreg.core.errors import Problem
from kzreg.core.messages import Code
from kzreg.epp import namespaces, session_render
from kzreg.epp.protocol import Response, Result
from kzreg.epp.xml import E, parse, sub

# The renderer itself, not conftest's wrapper that renders every response both ways.
render_bytes = session_render.response


def _check_data() -> tuple:
    data = E(namespaces.DOMAIN, "chkData")
    cd = sub(data, namespaces.DOMAIN, "cd")
    sub(cd, namespaces.DOMAIN, "name", "қазақ-&<>\"'.kz", avail="0")
    sub(cd, namespaces.DOMAIN, "reason", "In use ”&", lang="ru")
    extension = E(namespaces.FEE, "chkData")
    sub(extension, namespaces.FEE, "currency", "USD")
    return data, extension


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
@pytest.mark.parametrize("cltrid", ["", "ABC-1", "a&b<c>d\"e'f\rg", "Қ-ТРИД"])
def test_plain_success_is_the_trees_bytes(lang, cltrid):
    data, extension = _check_data()
    again, extension_again = _check_data()
    answer = Response.ok(res_data=data, extensions=[extension])
    frame = render_bytes(answer, lang, cltrid, "KZ-1-2")
    tree = session_render.tree_response(
        Response.ok(res_data=again, extensions=[extension_again]), lang, cltrid, "KZ-1-2"
    )
    assert frame == tree
    root = parse(frame)  # well-formed, and the client's id comes back as it was sent
    found = root.find(f".//{{{namespaces.EPP}}}clTRID")
    assert (found.text if found is not None else "") == cltrid
    assert render_bytes(Response.ok(1500), lang, cltrid, "KZ-1-3") == session_render.tree_response(
        Response.ok(1500), lang, cltrid, "KZ-1-3"
    )


def test_other_shapes_are_rendered_as_trees(monkeypatch):
    rendered: list[Response] = []
    monkeypatch.setattr(session_render, "tree_response", lambda answer, *rest: rendered.append(answer) or b"")
    failed = Response.failed([Problem("name", Code.NOT_FOUND, {"kind": "domain", "key": "a.kz"})])
    two = Response([Result(1000), Result(1001)])
    queued = Response.ok(1301, message_queue=E(namespaces.EPP, "msgQ", count="1", id="1"))
    for answer in (failed, two, queued):
        render_bytes(answer, "en", "", "KZ-1")
    assert rendered == [failed, two, queued]
    render_bytes(Response.ok(), "en", "", "KZ-1")
    assert len(rendered) == 3
