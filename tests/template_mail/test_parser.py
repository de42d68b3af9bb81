"""The form parser and MIME reader (T1, T2, T4, T5), and a hypothesis fuzz: whatever the input, a list
of problems and never an exception."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kzreg.template_mail.blank import blank_form
from kzreg.template_mail.mapping import action_code, form_field, nameservers
from kzreg.template_mail.mime import decode_bytes, parse_mail
from kzreg.template_mail.parser import parse_text

SEED = Path("/work/shared/seeds/001_f17495431521ea63.txt")


@pytest.mark.skipif(not SEED.exists(), reason="the seed is outside the repository")
def test_the_kazakh_domain_form_is_the_seed_verbatim_T1():
    lines = SEED.read_text("utf-8").splitlines()[123:222]
    assert blank_form("domain", "kk") == "\n".join(lines) + "\n"


@pytest.mark.parametrize("template", ["domain", "contact", "host"])
@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_every_blank_form_parses_back_cleanly_in_its_language_T1(template, lang):
    (form,) = parse_text(blank_form(template, lang))
    assert form.problems == [] and form.language == lang and form.template == template


@pytest.mark.parametrize("value", ["N", "n", "New", "NEW", "(N)ew", "(n)EW", "Жаңа", "новый"])
def test_action_values_in_any_case_T6(value):
    assert action_code(value) == "N"


def test_crlf_dots_and_case_are_tolerated_T1():
    text = blank_form("domain", "en").replace(
        "2. Complete Domain Name....................:", "2. complete domain name.:"
    )
    text = text.replace("\n", "\r\n").replace("3l. E-Mailbox..............................:", "3L.  E-Mailbox :")
    (form,) = parse_text(text.replace("2. complete domain name.:", "2. complete domain name.: example.kz"))
    assert form.problems == [] and form.get("2") == "example.kz" and "3l" in form.fields


def test_values_keep_colons_ipv6_T1():
    text = blank_form("domain", "en").replace("7b. Primary Server Netaddress..............:", "7b. x: 2001:db8::1")
    (form,) = parse_text(text)
    assert form.get("7b") == "2001:db8::1"
    assert [p.field for p in form.problems] == ["7b"]  # the label "x" is not one of 7b's
    text = blank_form("domain", "en").replace("Netaddress..............:", "Netaddress..............: 2001:db8::1", 1)
    (form,) = parse_text(text)
    assert nameservers(form)[0].addresses == ("2001:db8::1",)


def test_a_quoted_forwarded_form_is_read():
    quoted = "\n".join("> " + line for line in blank_form("host", "en").splitlines())
    quoted = quoted.replace("1. Host Name...............................:", "1. Host Name....: ns1.x.kz")
    (form,) = parse_text("Forwarded:\n" + quoted)
    assert form.problems == [] and form.get("1") == "ns1.x.kz"


@pytest.mark.parametrize(
    ("neutral", "field"),
    [("registrant.emails", "3l"), ("admin.phones", "4j"), ("tech.handle", "5a"), ("billing.country_code", "6i"),
     ("nameservers[0].name", "7a"), ("nameservers[0].addresses", "7b"), ("nameservers[1].addresses", "8b"),
     ("nameservers[5].name", "8i"), ("location.city", "9b"), ("period", "1b"), ("name", "2"), ("add_years", "1b")],
)  # fmt: skip
def test_problem_fields_map_back_to_form_fields_T5(neutral, field):
    assert form_field(neutral) == field


def test_charsets_are_guessed_when_missing_or_wrong_T2():
    text = "Қала: Алматы, улица Абая"
    assert decode_bytes("улица Абая".encode("cp1251"), None) == "улица Абая"
    assert decode_bytes("улица Абая".encode("koi8_r"), None) == "улица Абая"
    assert decode_bytes(text.encode(), "no-such-charset") == text
    assert decode_bytes(b"\x00\x01", None) is None


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=3000))
def test_fuzz_the_form_parser_never_raises(text):
    for form in parse_text(text):
        for problem in form.problems:
            assert problem.render("kk") and problem.render("en")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(blank_form("domain", "ru").splitlines()) | st.text(max_size=80), max_size=120))
def test_fuzz_shuffled_form_lines_never_raise(lines):
    parse_text("Domain Version Number: 3.2\n" + "\n".join(lines))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=4000))
def test_fuzz_the_mime_reader_never_raises(raw):
    mail = parse_mail(b"Content-Type: multipart/mixed; boundary=b\n\n--b\n" + raw)
    assert isinstance(mail.parts, list)


def test_a_form_read_again_reports_the_same_problems_with_their_lines_T5():
    """Clean field heads are remembered between forms; a problem is still found and placed each time."""
    text = blank_form("domain", "en").replace("2. Complete Domain Name....................:", "2. Domain:")
    text = text.replace("4a. NIC Handle (if known)..................:", "4a. NIC Handle (if known)...:\n4a. again: X")
    for _ in range(2):
        (form,) = parse_text(text)
        assert [(p.field, p.key, p.params.get("line")) for p in form.problems] == [
            ("2", "label_unknown", 11),
            ("4a", "label_unknown", 30),
            ("4a", "duplicate", 30),
        ]
        assert form.lines["2"] == 11 and form.lines["4a"] == 29 and form.lines["9c"] == 97
        assert form.get("4a") == ""  # the first one counts


@pytest.mark.parametrize("odd", ["", "Domaın ", "İ "])  # dotless ı and İ: only the regular expression decides
def test_the_end_marker_ends_the_form_in_any_case_and_any_letters_T1(odd):
    text = blank_form("host", "en").replace("1. Host Name...............................:", "1. Host Name: ns1.x.kz")
    (form,) = parse_text(f"{odd}\n{text}\nend of Agreement\n3. Netaddresses...: 192.0.2.1\n")
    assert form.get("1") == "ns1.x.kz" and form.get("3") == "" and form.problems == []


def test_a_field_line_quoting_the_end_marker_does_not_end_the_form_T1():
    text = blank_form("host", "en").replace(
        "1. Host Name...............................:", "1. Host Name: END OF AGREEMENT"
    )
    (form,) = parse_text(text)
    assert form.get("1") == "END OF AGREEMENT" and "3" in form.fields


def test_a_single_part_body_is_read_exactly_as_sent_T2():
    """A single-part message has only its header section parsed; its body is kept byte for byte."""
    body = "Domain Version Number: 3.2\r\n\r\n2. Complete Domain Name....: x.kz\r\n"
    mail = parse_mail(b"From: A <a@b.kz>\r\nSubject: =?utf-8?b?0J3QvtCy0YvQuQ==?=\r\n\r\n" + body.encode())
    assert mail.sender == "a@b.kz" and mail.subject == "Новый" and [p.text for p in mail.parts] == [body]


def test_a_header_section_without_its_blank_line_is_read_as_before_T2():
    """A line that is no header ends the header section (as the full parser reads it): nothing is lost."""
    mail = parse_mail(b"From: a@b.kz\nDomain Version Number: 3.2\n2. Complete Domain Name..: x.kz\n\nmore\n")
    assert mail.sender == "a@b.kz"
    (form,) = parse_text(mail.parts[0].text)
    assert form.get("2") == "x.kz"


def test_a_form_laid_out_like_one_read_before_still_has_its_own_problems_T5():
    """A form whose lines match, up to their colons, a form read cleanly before has its fields picked
    by that form's layout; a colon dropped or a value too long in it is still found and placed."""
    blank = blank_form("domain", "en")
    line = "3l. E-Mailbox..............................:"
    filled = blank.replace(line, line + " a@b.kz")
    for _ in range(2):  # the second time, by the layout remembered
        (form,) = parse_text(filled)
        assert form.problems == [] and form.get("3l") == "a@b.kz" and form.language == "en"
    (form,) = parse_text(blank.replace(line, line.rstrip(":")))  # the same text up to where the colon was
    assert [(p.field, p.key, p.params.get("line")) for p in form.problems] == [("3l", "no_colon", 25)]
    (form,) = parse_text(blank.replace(line, line + "x" * 1001))
    assert [(p.field, p.key) for p in form.problems] == [("3l", "too_long")] and form.get("3l") == ""


# The English Domain form's lines but its version line and end marker: one form, every line in it.
_EN_LINES = [line for line in blank_form("domain", "en").splitlines() if "Version" not in line and "END" not in line]
_NO_COLON = "(colon dropped)"


def _form_of(lines: list[tuple[str, str]]) -> str:
    body = (line.rstrip(":") if extra == _NO_COLON else line + extra for line, extra in lines)
    return "Domain Version Number: 3.2\n" + "\n".join(body)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(_EN_LINES), st.sampled_from(["", " x", _NO_COLON, " " + "y" * 1001, " a:b"])))
)
def test_fuzz_a_remembered_layout_reads_a_form_as_the_loop_does_T1(lines):
    """Whatever the lines, reading a form by a layout remembered from it gives what the first reading
    (without one) gave: fields, problems with their lines, language; and a field line of a remembered
    layout that lost its colon is still reported."""
    from kzreg.template_mail import parser

    parser._LAYOUTS["domain"].clear()
    first, again = parse_text(_form_of(lines)), parse_text(_form_of(lines))
    assert [(f.fields, f.problems, f.language) for f in first] == [(f.fields, f.problems, f.language) for f in again]
    field_lines = [i for i, (line, extra) in enumerate(lines) if line[:1].isdigit() and extra != _NO_COLON]
    if parser._LAYOUTS["domain"] and field_lines:
        broken = list(lines)
        broken[field_lines[0]] = (lines[field_lines[0]][0], _NO_COLON)
        (form,) = parse_text(_form_of(broken))
        assert any(p.key == "no_colon" for p in form.problems)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="a:\n\r\x0b\x0c\x1c\x85\u2028 ", max_size=30))
def test_fuzz_a_forms_lines_are_joined_as_splitlines_joins_them_T1(text):
    from kzreg.template_mail.splitting import _joined_lines

    assert _joined_lines(text) == "\n".join(text.splitlines())
