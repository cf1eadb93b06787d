"""Podcasting 2.0 and Apple Podcasts checks: every code is shown by a fixture and denied by a
near miss, guids are judged as the namespace's specification makes them, and the families
select and drop them together."""

from __future__ import annotations

import sys
import uuid
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from feedtool.cli import main
from feedtool.validate import validate_bytes
from feedtool.validate.codes import CODES, ancestors

sys.path.insert(0, str(Path(__file__).parent))
from test_validate_fixtures import FIXTURES, expectations

FOLDERS = ("podcast", "apple")

# The namespace's specification: a podcast's guid is the UUID v5 of its feed address without
# the scheme and trailing slashes, in this namespace, e.g. podnews.net/rss gives 9b024349-….
PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
OWN_FAMILIES = ("PodcastNamespace", "ApplePodcasts")


def own_codes() -> list[str]:
    return sorted(
        name
        for name, code in CODES.items()
        if code.kind != "family" and set(code.parents) & set(OWN_FAMILIES)
    )


def test_every_podcast_and_apple_code_is_expected_by_a_fixture_and_denied_by_a_near_miss() -> None:
    positives: set[str] = set()
    negatives: set[str] = set()
    for folder in FOLDERS:
        for path in sorted((FIXTURES / folder).glob("*.xml")):
            for negated, code in expectations(path):
                (negatives if negated else positives).add(code)
    codes = own_codes()
    assert len(codes) == 23, codes
    assert [c for c in codes if c not in positives] == []
    # A near miss denies the code by name or by its family (!ApplePodcasts), never just by !Warning.
    assert [c for c in codes if not (ancestors(c) - {"Error", "Warning", "Info"}) & negatives] == []


def feed_with_guid(guid: str) -> bytes:
    return (
        '<rss version="2.0" xmlns:podcast="https://podcastindex.org/namespace/1.0"><channel>'
        "<title>t</title><link>https://example.com/</link><description>d</description>"
        f"<podcast:guid>{guid}</podcast:guid></channel></rss>"
    ).encode()


def guid_codes(guid: str) -> set[str]:
    report = validate_bytes(feed_with_guid(guid), source="g.xml")
    return {p.code for p in report.problems if "PodcastNamespace" in CODES[p.code].parents}


def test_the_specifications_own_guid_examples_are_valid() -> None:
    assert (
        str(uuid.uuid5(PODCAST_GUID_NAMESPACE, "podnews.net/rss")) == "9b024349-ccf0-5f69-a609-6b82873eab3c"
    )
    assert guid_codes("9b024349-ccf0-5f69-a609-6b82873eab3c") == set()
    assert guid_codes("917393e3-1b1e-5cef-ace4-edaa54e1f810") == set()


@given(st.from_regex(r"[a-z0-9]{1,12}\.(com|net|org)/[a-z0-9/]{0,20}", fullmatch=True))
def test_a_guid_made_as_the_specification_says_is_accepted(feed_address: str) -> None:
    guid = uuid.uuid5(PODCAST_GUID_NAMESPACE, feed_address.rstrip("/"))
    assert guid_codes(str(guid)) == set()
    assert guid_codes(str(guid).upper()) == set()


@given(st.uuids(version=4) | st.uuids(version=1) | st.uuids(version=3))
def test_a_uuid_of_another_version_is_not_a_podcast_guid(other: uuid.UUID) -> None:
    assert guid_codes(str(other)) == {"InvalidPodcastGuid"}


def test_families_select_and_drop_the_podcast_and_apple_codes(capsys: pytest.CaptureFixture[str]) -> None:
    feed = str(FIXTURES / "podcast" / "w3c-profile.xml")  # a bad guid, a bad season, GIF artwork
    base = "https://example.com/feed.xml"
    assert main(["validate", "--statistics", "--base", base, feed]) == 1
    assert capsys.readouterr().out == (
        "1  ApplePodcastsArtworkFormat  warning\n"
        "1  InvalidPodcastGuid          error\n"
        "1  InvalidPodcastNumber        error\n"
        "1 feed checked: 2 errors, 1 warning (1 with errors)\n"
    )
    assert main(["validate", "--statistics", "--base", base, "--ignore", "PodcastNamespace", feed]) == 0
    assert capsys.readouterr().out == (
        "1  ApplePodcastsArtworkFormat  warning\n1 feed checked: 0 errors, 1 warning\n"
    )
    assert (
        main(["validate", "--statistics", "--base", base, "--select", "ApplePodcasts,InvalidValue", feed])
        == 1
    )
    assert capsys.readouterr().out == (
        "1  ApplePodcastsArtworkFormat  warning\n"
        "1  InvalidPodcastGuid          error\n"
        "1  InvalidPodcastNumber        error\n"
        "1 feed checked: 2 errors, 1 warning (1 with errors)\n"
    )
    assert main(["validate", "--statistics", "--base", base, "--profile", "w3c", feed]) == 0
    # The W3C says, as an info, that it cannot check the Podcasting 2.0 namespace.
    assert capsys.readouterr().out == (
        "1  MissingItunesEmail    warning\n1  UnsupportedNamespace  info\n"
        "1 feed checked: 0 errors, 1 warning\n"
    )


def test_messages_name_the_element_the_attribute_and_what_the_value_must_be() -> None:
    report = validate_bytes(
        (FIXTURES / "podcast" / "soundbite-clock-time.xml").read_bytes(),
        source="f.xml",
        base="https://example.com/feed.xml",
    )
    assert [(p.line, p.code, p.message) for p in report.problems] == [
        (
            26,
            "InvalidPodcastNumber",
            "podcast:soundbite: its startTime attribute must be a decimal number such as 12 or 73.5, "
            "not '1:13'",
        )
    ]


def test_explain_calls_every_podcast_and_apple_code_feedtools_own(capsys: pytest.CaptureFixture[str]) -> None:
    for code in own_codes():
        assert main(["validate", "--explain", code]) == 0
        out = capsys.readouterr().out
        assert "\nProfiles: feedtool's own check; --profile w3c does not report it (" in out, code
