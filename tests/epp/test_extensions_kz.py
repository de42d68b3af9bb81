"""kzreg's kz-1.0 schema (SPEC E1, R12) and the extension's parsing, without a server: what the schema
accepts and refuses, and that every part of a location is recorded with the element it came from."""

from __future__ import annotations

import pytest
from lxml import etree

from kzreg.epp import namespaces as ns
from kzreg.epp import requests as r
from kzreg.epp.commands.fields import Fields, element_label
from kzreg.epp.extensions import kz
from tests.epp.conftest import KZ_XSD

KZ = ns.KZ


@pytest.fixture(scope="module")
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(KZ_XSD)))


LOCATION = "<kz:location><kz:street>Abay 10</kz:street><kz:city>Almaty</kz:city><kz:sp>Almaty</kz:sp></kz:location>"


@pytest.mark.parametrize(
    ("document", "valid"),
    [
        (f"<kz:create xmlns:kz='{KZ}'>{LOCATION}</kz:create>", True),
        (f"<kz:create xmlns:kz='{KZ}'>{LOCATION}<kz:purpose>Shop</kz:purpose></kz:create>", True),
        (f"<kz:create xmlns:kz='{KZ}'><kz:purpose>Shop</kz:purpose></kz:create>", False),  # location required
        (f"<kz:update xmlns:kz='{KZ}'><kz:purpose/></kz:update>", True),  # clears the purpose
        (f"<kz:update xmlns:kz='{KZ}'>{LOCATION}</kz:update>", True),
        (f"<kz:update xmlns:kz='{KZ}'/>", False),  # an update changes something
        (f"<kz:infData xmlns:kz='{KZ}'>{LOCATION}</kz:infData>", True),
        (
            f"<kz:create xmlns:kz='{KZ}'><kz:location>"
            + "<kz:street>a</kz:street>" * 4
            + "<kz:city>c</kz:city><kz:sp>s</kz:sp></kz:location></kz:create>",
            False,
        ),  # at most three street lines
        (
            f"<kz:create xmlns:kz='{KZ}'><kz:location><kz:street>a</kz:street><kz:sp>s</kz:sp></kz:location></kz:create>",
            False,
        ),
    ],
)
def test_schema(schema, document, valid):
    assert schema.validate(etree.fromstring(document.encode())) is valid, schema.error_log


def test_location_parts_are_recorded_with_their_elements():
    command = r.domain_create(
        "a.kz",
        registrant="R1",
        contacts={},
        location=r.Location(("L1", "L2"), "Almaty", "Almaty"),
        purpose="  Shop  online ",
    )
    (extension,) = command.extensions
    fields = Fields()
    location = kz.parse_location(extension, fields)
    assert location is not None and location.address == "L1, L2" and location.region == "Almaty"
    assert kz.parse_purpose(extension, fields) == "Shop online"
    assert element_label(fields.element_of("location.city")) == "kz:city"
    assert element_label(fields.element_of("location.region")) == "kz:sp"
    assert fields.element_of("location.address").text == "L1"


def test_a_missing_part_is_named_by_an_empty_element():
    extension = etree.fromstring(
        f"<kz:create xmlns:kz='{KZ}'><kz:location><kz:street>a</kz:street></kz:location></kz:create>".encode()
    )
    fields = Fields()
    location = kz.parse_location(extension, fields)
    assert location is not None and location.city == "" and location.region == ""
    assert element_label(fields.element_of("location.city")) == "kz:city"
    assert element_label(fields.element_of("location.region")) == "kz:sp"


def test_field_paths_fall_back_to_their_prefix_then_the_object():
    name = etree.fromstring(f"<domain:name xmlns:domain='{ns.DOMAIN}'>a.kz</domain:name>".encode())
    server = etree.fromstring(f"<domain:hostObj xmlns:domain='{ns.DOMAIN}'>ns1.a.kz</domain:hostObj>".encode())
    fields = Fields(name)
    fields.add("nameservers[1]", server)
    assert fields.element_of("nameservers[1].addresses") is server
    assert fields.element_of("nameservers[2].name") is name
    assert fields.element_of("registrant.handle") is name
