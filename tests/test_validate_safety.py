"""Untrusted input: XML attacks are reported as errors without expansion, files or network;
encodings are honoured; large feeds stream."""

from __future__ import annotations

import socket
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from feedtool.validate import validate_bytes, validate_path

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"
ATTACKS = SHARED / "xml-attacks"
ENCODINGS = SHARED / "feeds" / "encodings"
needs_shared = pytest.mark.skipif(
    not ATTACKS.is_dir(), reason="the shared corpus (../shared) is not beside the repository"
)
# Attack classes that must always end in an error (benign controls and payload lists aside).
MUST_FAIL = {
    "billion_laughs", "quadratic_blowup", "recursive_entity", "xxe_file", "xxe_network",
    "xxe_oob_parameter_entity", "xxe_encoding_bypass", "internal_entity_control",
}  # fmt: skip


def attack_cases() -> list[tuple[str, str]]:
    if not ATTACKS.is_dir():
        return []
    rows = (ATTACKS / "manifest.tsv").read_text(encoding="utf-8").splitlines()[1:]
    cases = []
    for row in rows:
        fields = row.split("\t")
        if fields[0].endswith(".xml"):
            cases.append((fields[0], fields[5]))
    return cases


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"network access while validating: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


@needs_shared
@pytest.mark.parametrize(("name", "attack"), attack_cases(), ids=lambda v: str(v))
def test_xml_attacks_are_contained(name: str, attack: str, no_network: None) -> None:
    data = (ATTACKS / name).read_bytes()
    tracemalloc.start()
    try:
        report = validate_bytes(data, source=name)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20 * 1024 * 1024, f"{peak} bytes traced for a {len(data)} byte document"
    messages = " ".join(p.message for p in report.problems)
    assert "root:x:0:0" not in messages  # nothing read from /etc/passwd
    assert "Ha !Ha !" not in messages  # no entity expansion
    if attack in MUST_FAIL:
        assert report.errors, [p.code for p in report.problems]


def test_entity_declarations_stop_the_parse_before_expansion() -> None:
    levels = '<!ENTITY e0 "laugh">' + "".join(f'<!ENTITY e{n} "{f"&e{n - 1};" * 10}">' for n in range(1, 12))
    data = f'<!DOCTYPE rss [{levels}]><rss version="2.0"><channel>&e11;</channel></rss>'.encode()
    report = validate_bytes(data, source="bomb.xml")
    assert [p.code for p in report.problems if p.severity == "error"] == ["EntityDeclaration"]


@pytest.mark.skipif(not ENCODINGS.is_dir(), reason="the shared corpus (../shared) is absent")
def test_feeds_in_other_encodings_decode(no_network: None) -> None:
    checked = 0
    for name in ("big5", "euc-kr", "koi8", "utf-16", "utf-32", "gb2312", "windows-1252"):
        for path in sorted(ENCODINGS.glob(f"*{name}*.xml"))[:3]:
            if "http_" in path.name:
                continue  # these depend on an HTTP charset the file does not carry
            codes = {p.code for p in validate_path(path).problems}
            assert not codes & {"UnicodeError", "UnknownEncoding", "SAXError"}, (path, codes)
            checked += 1
    assert checked


def test_utf16_with_bom_is_read() -> None:
    text = (
        '<?xml version="1.0" encoding="utf-16"?><feed xmlns="http://www.w3.org/2005/Atom">'
        "<title>Ça va</title></feed>"
    )
    report = validate_bytes(text.encode("utf-16"), source="utf16.xml")
    assert report.format == "atom"
    assert not {p.code for p in report.problems} & {"UnicodeError", "SAXError"}


_PEAK = """
import sys
from pathlib import Path
from feedtool.validate import validate_path
report = validate_path(Path(sys.argv[1]))
assert report.format == "atom", report
print(next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM")))
"""


def _write_feed(path: Path, entries: int) -> None:
    entry = (
        "<entry><title>T</title><id>https://example.com/{n}</id>"
        "<updated>2024-05-01T12:00:00Z</updated><link href='https://example.com/{n}'/>"
        "<content type='html'>" + "&lt;p&gt;text text text&lt;/p&gt;" * 300 + "</content>"
        "</entry>\n"
    )
    with path.open("w", encoding="utf-8") as out:
        out.write(
            "<feed xmlns='http://www.w3.org/2005/Atom'><title>T</title>"
            "<id>https://example.com/</id><updated>2024-05-01T12:00:00Z</updated>"
            "<author><name>A</name></author>"
        )
        for n in range(entries):
            out.write(entry.format(n=n))
        out.write("</feed>")


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_a_long_feed_streams_in_bounded_memory(tmp_path: Path) -> None:
    """Four times the entries must not take anywhere near four times the memory."""
    peaks = []
    sizes = []
    for entries in (500, 2000):
        path = tmp_path / f"feed-{entries}.xml"
        _write_feed(path, entries)
        sizes.append(path.stat().st_size)
        out = subprocess.check_output([sys.executable, "-c", _PEAK, str(path)], text=True)
        peaks.append(int(out) * 1024)
    growth = peaks[1] - peaks[0]
    assert growth < (sizes[1] - sizes[0]) / 4, f"peak grew {growth} bytes: {peaks} for {sizes}"


FEEDS = sorted((Path(__file__).parent / "fixtures" / "validate").rglob("*.xml"))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    feed=st.sampled_from(FEEDS),
    cut=st.integers(min_value=0, max_value=4000),
    insert=st.binary(max_size=12),
)
def test_damaged_feeds_give_a_report_never_an_exception(feed: Path, cut: int, insert: bytes) -> None:
    """Truncated or corrupted input is a finding, not a crash."""
    data = feed.read_bytes()
    cut = min(cut, len(data))
    damaged = data[:cut] + insert + data[cut + len(insert) :]
    report = validate_bytes(damaged, source="damaged.xml", base="https://example.com/feed.xml")
    assert all(p.severity in ("error", "warning", "info") for p in report.problems)
    # A rule that raised is reported as ValidationFailure rather than crashing: still a bug.
    assert [p for p in report.problems if p.code == "ValidationFailure"] == []


FIXTURES = sorted((Path(__file__).parent / "fixtures").rglob("*.*"))


def test_no_rule_fails_on_any_fixture_or_shared_feed() -> None:
    shared = sorted(SHARED.rglob("*.xml")) + sorted(SHARED.rglob("*.json")) if SHARED.is_dir() else []
    failures = {}
    for path in [p for p in FIXTURES + shared if p.suffix in (".xml", ".json", ".rss", ".atom", ".rdf")]:
        report = validate_bytes(path.read_bytes(), source=path.name, base="https://example.com/feed.xml")
        failed = [p.message for p in report.problems if p.code == "ValidationFailure"]
        if failed:
            failures[str(path)] = failed
    assert failures == {}


UNCLOSED_IPV6_HOSTS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"
     xmlns:podcast="https://podcastindex.org/namespace/1.0">
<channel><title>Show</title><link>http://example.com/</link><description>A show</description>
<language>en</language><itunes:author>Ann</itunes:author><itunes:explicit>false</itunes:explicit>
<itunes:category text="News"/><itunes:image href="http://[example.com/cover.jpg"/>
<podcast:funding url="http://[example.com/fund">Fund</podcast:funding>
<item><title>One</title><guid>http://example.com/1</guid><pubDate>Tue, 01 Dec 2026 10:00:00 GMT</pubDate>
<itunes:duration>60</itunes:duration><enclosure url="http://[example.com/1.mp3" length="10" type="audio/mpeg"/>
</item></channel></rss>
"""  # noqa: E501 (a feed as written)


def test_an_ipv6_host_left_open_is_an_invalid_url_not_a_crash() -> None:
    # 'http://[host' cannot even be split into its parts; each rule that looks at such a URL
    # (podcast artwork, an episode's format, a podcast: URL) reports it as a bad URL.
    report = validate_bytes(UNCLOSED_IPV6_HOSTS, source="show.xml", base="http://example.com/show.xml")
    found = sorted((p.line, p.code) for p in report.errors)
    assert found == [(6, "InvalidURLAttribute"), (7, "InvalidPodcastUrl"), (9, "InvalidURLAttribute")]
