"""The hardened XML parser every EPP frame goes through, and the element builders handlers use.

A frame is untrusted input from the network: no DTD is loaded, no entity is resolved or expanded, no
network is touched and lxml's size limits stay on. A document that carries a DOCTYPE at all is refused
before anything is resolved (RFC 5730 has no use for one; billion laughs and XXE both need one), so the
client gets 2001 and the server never sees an expanded entity.
"""

from __future__ import annotations

from lxml import etree

from kzreg.epp import namespaces

_PARSER = etree.XMLParser(
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    dtd_validation=False,
    huge_tree=False,
    remove_blank_text=True,
    remove_comments=True,
    remove_pis=True,
)


class XmlRefused(ValueError):
    """The frame is not a well-formed, DTD-free XML document (RFC 5730 2001). `reason` is for the log and
    the `<msg>`; it never echoes the document."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def parse(data: bytes) -> etree._Element:
    """The document's root element, or `XmlRefused`."""
    if not data.strip():
        raise XmlRefused("empty document")
    try:
        tree = etree.fromstring(data, _PARSER).getroottree()
    except etree.XMLSyntaxError as error:
        raise XmlRefused(f"not well-formed XML: {error.msg}") from None
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise XmlRefused("a DOCTYPE is not allowed")
    return tree.getroot()  # without a DTD no entity can be declared: an undeclared one failed parsing


def qname(namespace: str, tag: str) -> str:
    return f"{{{namespace}}}{tag}"


def E(namespace: str, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    """A new element `{namespace}tag` with its text and attributes (`E(DOMAIN, "name", "a.kz")`)."""
    element = etree.Element(qname(namespace, tag), nsmap={None: namespace} if namespace else None)
    if text is not None:
        element.text = text
    for key, value in attrs.items():
        element.set(key, value)
    return element


def sub(parent: etree._Element, namespace: str, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    """A new child of `parent` (same arguments as `E`)."""
    element = etree.SubElement(parent, qname(namespace, tag))
    if text is not None:
        element.text = text
    for key, value in attrs.items():
        element.set(key, value)
    return element


def text_of(parent: etree._Element, namespace: str, tag: str) -> str | None:
    """The stripped text of `parent`'s first `{namespace}tag` child, or None when there is none."""
    child = parent.find(qname(namespace, tag))
    if child is None:
        return None
    return (child.text or "").strip()


def serialize(element: etree._Element) -> bytes:
    """UTF-8 bytes with the XML declaration, as RFC 5730 frames carry them."""
    return etree.tostring(element, xml_declaration=True, encoding="UTF-8", standalone=False)


EPP_ROOT = qname(namespaces.EPP, "epp")
