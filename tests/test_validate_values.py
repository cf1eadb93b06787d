"""The value checkers: dates, URIs, addresses, languages, numbers, HTML-looking text."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from feedtool.validate import values

NOW = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Tue, 31 Dec 2002 14:20:20 GMT", None),
        ("31 Dec 2002 14:20:20 +0000", None),
        ("1 Dec 2002 14:20:20 EST", None),
        ("21 Oct 2002 06:45 EDT", None),
        ("31 Dec 2002 14:20:20 Z", None),
        ("Mon, 21 Oct 2002 14:04:23 -0530", None),
        ("Sat,29 Jul 2006 00:03:02 +0000", "ProblematicalRFC822Date"),
        ("31 Dec 2002 14:20:20 A", "ProblematicalRFC822Date"),
        ("Thu, 09 Feb 06 23:59:45 +0000", "ProblematicalRFC822Date"),
        ("31 Dec 2002 14:20:20 -0234", "ProblematicalRFC822Date"),
        ("tHu, 09 Feb 2006 23:59:45 +0000", "ProblematicalRFC822Date"),
        ("Thu (hmm), 16(th) Feb(ruary) 2006 01:39 +0000 (GMT)", "ProblematicalRFC822Date"),
        ("2002-12-31T01:15:07-05:00", "InvalidRFC2822Date"),
        ("Mon, 21 Oct 2002 14:04:23 -05:00", "InvalidRFC2822Date"),
        ("31 Feb 2002 14:20:20 GMT", "InvalidRFC2822Date"),
        ("yesterday", "InvalidRFC2822Date"),
        ("Mon, 31 Dec 2002 14:20:20 GMT", "IncorrectDOW"),
        ("Sun, 09 Feb 1806 23:59:45 +0000", "ImplausibleDate"),
        ("Tue, 09 Feb 2106 23:59:45 +0000", "ImplausibleDate"),
    ],
)
def test_rfc822_dates(value: str, expected: str | None) -> None:
    assert values.check_rfc822_date(value, now=NOW) == expected


def test_rfc822_parse_applies_the_zone() -> None:
    moment = values.parse_rfc822_date("Mon, 21 Oct 2002 14:04:23 EST")
    assert moment == datetime(2002, 10, 21, 19, 4, 23, tzinfo=UTC)
    assert values.parse_rfc822_date("21/10/2002") is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2003-12-13T18:30:02Z", None),
        ("2003-12-13T18:30:02.25+01:00", None),
        ("2003-12-13T18:30Z", "InvalidRFC3339Date"),
        ("2003-12-13", "InvalidRFC3339Date"),
        ("2003-02-30T18:30:02Z", "InvalidRFC3339Date"),
        ("2003-12-13T24:30:02Z", "InvalidRFC3339Date"),
        ("2003-12-13 18:30:02Z", "InvalidRFC3339Date"),
        ("1960-12-13T18:30:02Z", "ImplausibleDate"),
        ("2999-12-13T18:30:02Z", "ImplausibleDate"),
    ],
)
def test_rfc3339_dates(value: str, expected: str | None) -> None:
    assert values.check_rfc3339_date(value, now=NOW) == expected


def test_rfc3339_parse_keeps_fraction_and_zone() -> None:
    moment = values.parse_rfc3339_date("2003-12-13T18:30:02.5-05:00")
    assert moment == datetime(2003, 12, 13, 23, 30, 2, 500000, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2002", None),
        ("2002-10", None),
        ("2002-10-02", None),
        ("2002-10-02T10:00Z", None),
        ("2002-10-02T10:00:00.125-05:00", None),
        ("2002-10-02T10:00", "InvalidW3CDTFDate"),
        ("2002-13", "InvalidW3CDTFDate"),
        ("October 2002", "InvalidW3CDTFDate"),
    ],
)
def test_w3cdtf_dates(value: str, expected: str | None) -> None:
    assert values.check_w3cdtf_date(value) == expected


@pytest.mark.parametrize(
    ("value", "full", "expected"),
    [
        ("http://example.com/feed?a=1#x", True, None),
        ("mailto:ann@example.com", True, None),
        ("urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a", True, None),
        ("tag:example.com,2004:entry-1", True, None),
        ("/relative/path", False, None),
        ("/relative/path", True, "InvalidFullLink"),
        ("http://example.com/a b", False, "InvalidUriChar"),
        ("http://example.com/<x>", True, "InvalidUriChar"),
        ("http:/example.com", False, "InvalidLink"),
        ("urn:x:", False, "InvalidURN"),
        ("tag:example.com:entry", False, "InvalidTAG"),
        ("htpt://example.com/", False, "SchemeNotIANARegistered"),
        ("http://example.com/caf\u00e9", False, "UriNotIri"),
    ],
)
def test_uris(value: str, full: bool, expected: str | None) -> None:
    assert values.check_uri(value, full=full) == expected


def test_iris_allow_non_ascii_but_not_spaces() -> None:
    assert values.check_iri("http://example.com/caf\u00e9") is None
    assert values.check_iri("http://example.com/caf\u00e9 au lait") == "InvalidUriChar"


def test_relative_references() -> None:
    assert values.is_relative_ref("images/a.png")
    assert values.is_relative_ref("//example.com/a")
    assert not values.is_relative_ref("https://example.com/a")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("ann@example.com", None),
        ("ann@example.com (Ann Example)", None),
        ("Ann Example <ann@example.com>", None),
        ("Ann Example", "InvalidContact"),
        ("ann@", "InvalidContact"),
    ],
)
def test_rss_contacts(value: str, expected: str | None) -> None:
    assert values.check_email(value) == expected


def test_addr_spec_and_real_name() -> None:
    assert values.check_addr_spec("ann@example.com") is None
    assert values.check_addr_spec("Ann <ann@example.com>") == "InvalidAddrSpec"
    assert values.has_real_name("ann@example.com (Ann)")
    assert not values.has_real_name("ann@example.com")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("en", None),
        ("en-US", None),
        ("epo", None),
        ("x-klingon", None),
        ("English", "InvalidLanguage"),
        ("", "InvalidLanguage"),
        ("qq", "InvalidLanguage"),
    ],
)
def test_languages(value: str, expected: str | None) -> None:
    assert values.check_language(value) == expected


def test_mime_types() -> None:
    assert values.check_mime_type("audio/mpeg") is None
    assert values.check_mime_type("text/html; charset=utf-8") is None
    assert values.check_mime_type("mp3") == "InvalidMIMEType"


def test_numbers_and_flags() -> None:
    assert values.check_integer("-3") is None
    assert values.check_integer("3.5") == "InvalidInteger"
    assert values.check_positive_integer("0") == "InvalidPositiveInteger"
    assert values.check_positive_integer("60") is None
    assert values.check_non_negative_integer("0") is None
    assert values.check_non_negative_integer("-1") == "InvalidNonNegativeInteger"
    assert values.check_true_false("True") is None
    assert values.check_true_false("yes") == "InvalidTrueFalse"
    assert values.check_yes_no("Clean") is None
    assert values.check_yes_no("1") == "InvalidYesNo"
    assert values.check_float("12.5") is None
    assert values.check_float("twelve") == "InvalidFloat"
    assert values.check_latitude("-90") is None
    assert values.check_latitude("91.048") == "InvalidLatitude"
    assert values.check_longitude("-188.2473") == "InvalidLongitude"
    assert values.check_duration("1:02:03") is None
    assert values.check_duration("3600") is None
    assert values.check_duration("1h") == "InvalidDuration"
    assert values.check_country_code("us") is None
    assert values.check_country_code("XX") == "InvalidCountryCode"


def test_html_in_text() -> None:
    assert values.html_in_text("Fish & chips") is None
    assert values.html_in_text("Fish &amp; chips") == "&amp;"
    assert values.html_in_text("a <b>bold</b> claim") == "</b>"
    assert values.html_in_text("caf&eacute;") == "&eacute;"
    assert values.html_in_text("caf&eacute;", literal_entities=frozenset({"eacute"})) is None
    assert values.html_in_text("</notatag>") is None


CHECKERS = (
    values.check_rfc822_date,
    values.check_rfc3339_date,
    values.check_w3cdtf_date,
    values.check_iso8601_date,
    values.check_uri,
    values.check_iri,
    values.check_email,
    values.check_addr_spec,
    values.check_mime_type,
    values.check_language,
    values.check_integer,
    values.check_positive_integer,
    values.check_non_negative_integer,
    values.check_float,
    values.check_latitude,
    values.check_longitude,
    values.check_duration,
    values.check_country_code,
    values.html_in_text,
    values.looks_double_encoded,
)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_checkers_take_any_text_without_raising(value: str) -> None:
    for checker in CHECKERS:
        result = checker(value)
        assert result is None or isinstance(result, (str, bool))


def test_double_encoding_is_recognized() -> None:
    assert values.looks_double_encoded("caf\u00c3\u00a9")  # é read as Latin-1
    assert values.looks_double_encoded("isn\u00e2\u0080\u0099t")  # ’ read as Latin-1
    assert not values.looks_double_encoded("caf\u00e9 cr\u00e8me")
    assert not values.looks_double_encoded("plain ASCII")
