"""Real clients against `feedtool serve`: the newsboat feed reader and headless Chromium."""

from __future__ import annotations

import calendar
import os
import re
import shutil
import sqlite3
import struct
import subprocess
import zlib
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import feedparser
import pytest
from lxml import etree
from serve_support import ServeProcess, make_project, request

# Real clients in their own processes: seconds each.
pytestmark = pytest.mark.slow

NEWSBOAT = shutil.which("newsboat")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SHOTS = Path(os.environ.get("FEEDTOOL_SHOTS", "")) if os.environ.get("FEEDTOOL_SHOTS") else None


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServeProcess]:
    with ServeProcess(make_project(tmp_path_factory.mktemp("project"))) as running:
        yield running


# --- newsboat ------------------------------------------------------------------------------


def newsboat_reload(work: Path, url: str, times: int) -> sqlite3.Connection:
    """Subscribes a fresh newsboat to one URL and reloads it; returns its cache database."""
    (work / "urls").write_text(url + "\n", encoding="utf-8")
    (work / "config").write_text("", encoding="utf-8")
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(work), "LANG": "C.UTF-8"}
    for n in range(times):
        subprocess.run(
            [NEWSBOAT or "newsboat", "-u", str(work / "urls"), "-c", str(work / "cache.db"),
             "-C", str(work / "config"), "-x", "reload", "-l", "6", "-d", str(work / f"log{n}")],
            stdin=subprocess.DEVNULL, capture_output=True, env=env, timeout=120, check=True,
        )  # fmt: skip
    return sqlite3.connect(work / "cache.db")


def contents_by_link(xml: bytes) -> dict[str, str]:
    """Each item's full HTML content exactly as the feed carries it (feedparser rewrites it)."""
    root = etree.fromstring(xml, etree.XMLParser(resolve_entities=False, no_network=True))
    atom, content = "{http://www.w3.org/2005/Atom}", "{http://purl.org/rss/1.0/modules/content/}"
    found = {}
    for entry in root.iter(f"{atom}entry"):
        link = next(
            e.get("href") for e in entry.iter(f"{atom}link") if e.get("rel", "alternate") == "alternate"
        )
        found[link] = entry.findtext(f"{atom}content")
    for item in root.iter("item"):
        found[item.findtext("link")] = item.findtext(f"{content}encoded")
    return found


def newsboat_statuses(server: ServeProcess, path: str) -> list[int]:
    """What our access log says newsboat was answered for `path`, in order."""
    pattern = re.compile(rf'"GET {re.escape(path)} HTTP/1\.1" (\d+) .*"newsboat/')
    return [int(m.group(1)) for m in pattern.finditer(server.stderr())]


@pytest.mark.skipif(NEWSBOAT is None, reason="newsboat is not installed (Debian package newsboat)")
@pytest.mark.parametrize("name", ["atom.xml", "rss.xml"])
def test_newsboat_gets_every_item_and_revalidates(server, tmp_path: Path, name: str) -> None:
    url = f"{server.base_url}{name}"
    feed = request(server.port, "GET", f"/{name}")[2]
    expected, contents = feedparser.parse(feed), contents_by_link(feed)
    assert expected.entries
    # newsboat keeps the validators only from its second fetch, so the third one is conditional.
    database = newsboat_reload(tmp_path, url, times=3)
    title, link = database.execute("select title, url from rss_feed where rssurl = ?", (url,)).fetchone()
    assert title == expected.feed.title and link == expected.feed.link
    rows = database.execute(
        "select url, title, author, pubDate, content from rss_item where feedurl = ? and deleted = 0",
        (url,),
    ).fetchall()
    stored = {row[0]: row for row in rows}
    assert sorted(stored) == sorted(entry.link for entry in expected.entries)
    for entry in expected.entries:
        _, item_title, author, published, content = stored[entry.link]
        assert item_title == entry.title
        names = [person.name for person in entry.authors]
        assert names and author
        if name == "atom.xml":
            assert author == ", ".join(names)  # newsboat lists every Atom author
        else:
            # With several dc:creator newsboat keeps only the last one: the feed carries them all
            # (checked through feedparser above), the reader shows one.
            assert author in names
        assert published == calendar.timegm(entry.published_parsed)
        assert content and content == contents[entry.link]
    statuses = newsboat_statuses(server, f"/{name}")
    assert statuses[-3:] == [200, 200, 304]


# --- Chromium ------------------------------------------------------------------------------


def chromium(work: Path, *args: str, fontconfig: Path | None = None) -> bytes:
    profile = work / f"profile-{len(list(work.glob('profile-*')))}"
    profile.mkdir(parents=True)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(profile),
        "XDG_CONFIG_HOME": str(profile / ".config"),
        "XDG_CACHE_HOME": str(profile / ".cache"),
        "LANG": "C.UTF-8",
    }
    if fontconfig is not None:
        env["FONTCONFIG_FILE"] = str(fontconfig)
    result = subprocess.run(
        [CHROMIUM or "chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--hide-scrollbars", f"--user-data-dir={profile}", *args],
        stdin=subprocess.DEVNULL, capture_output=True, env=env, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr.decode(errors="replace")[-2000:]
    return result.stdout


def screenshot(work: Path, url: str, name: str, fontconfig: Path | None = None) -> Path:
    shot = work / name
    chromium(work, f"--screenshot={shot}", "--window-size=1024,1400", url, fontconfig=fontconfig)
    if SHOTS is not None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, SHOTS / name)
    return shot


def png_rows(path: Path) -> list[bytes]:
    """The pixel rows of an 8-bit, non-interlaced PNG such as Chromium writes."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    position, compressed, header = 8, b"", None
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        chunk = data[position + 8 : position + 8 + length]
        position += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", chunk)
        elif kind == b"IDAT":
            compressed += chunk
    assert header is not None
    width, height, depth, color, _, _, interlace = header
    assert depth == 8 and interlace == 0
    step = {0: 1, 2: 3, 4: 2, 6: 4}[color]
    raw, stride = zlib.decompress(compressed), width * step
    rows, previous = [], bytearray(stride)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - step] if i >= step else 0
            up, corner = previous[i], previous[i - step] if i >= step else 0
            if kind == 1:
                line[i] = (line[i] + left) & 255
            elif kind == 2:
                line[i] = (line[i] + up) & 255
            elif kind == 3:
                line[i] = (line[i] + ((left + up) >> 1)) & 255
            elif kind == 4:
                guess = left + up - corner
                a, b, c = abs(guess - left), abs(guess - up), abs(guess - corner)
                line[i] = (line[i] + (left if a <= b and a <= c else up if b <= c else corner)) & 255
        rows.append(bytes(line))
        previous = line
    return rows


NO_CJK_FONTS = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <cachedir>{cache}</cachedir>
  <selectfont><rejectfont>
    <pattern><patelt name="lang"><string>zh-cn</string></patelt></pattern>
  </rejectfont></selectfont>
</fontconfig>
"""


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (Debian package chromium)")
def test_index_page_renders_chinese_glyphs_in_chromium(server, tmp_path: Path) -> None:
    if shutil.which("fc-list") is None:
        pytest.skip("fontconfig's fc-list is missing (Debian package fontconfig)")
    cjk_fonts = subprocess.run(["fc-list", ":lang=zh-cn", "family"], capture_output=True, text=True)
    if not cjk_fonts.stdout.strip():
        pytest.skip("no CJK font installed (Debian package fonts-wqy-zenhei)")
    page = screenshot(tmp_path, server.base_url, "index.png")
    rows = png_rows(page)
    assert len({pixel for row in rows[::8] for pixel in row[::97]}) > 2, "blank page"
    # The same page with every Chinese-capable font hidden from Chromium: the Chinese text turns
    # into boxes. Were the real render boxes too, the two pictures would be identical.
    fontconfig = tmp_path / "no-cjk.conf"
    fontconfig.write_text(NO_CJK_FONTS.format(cache=tmp_path / "fc-cache"), encoding="utf-8")
    boxes = png_rows(screenshot(tmp_path, server.base_url, "index-no-cjk-font.png", fontconfig))
    differing_rows = sum(1 for a, b in zip(rows, boxes, strict=False) if a != b)
    assert differing_rows > 100, f"only {differing_rows} rows differ from the render without CJK fonts"


class Alternates(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "link" and values.get("rel") == "alternate":
            self.found.append((values.get("type") or "", values.get("href") or ""))


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (Debian package chromium)")
def test_autodiscovery_links_in_chromium_point_at_served_feeds(server, tmp_path: Path) -> None:
    dom = chromium(tmp_path, "--dump-dom", server.base_url).decode("utf-8")
    parser = Alternates()
    parser.feed(dom)
    assert {media_type for media_type, _ in parser.found} == {
        "application/atom+xml", "application/rss+xml", "application/feed+json"
    }  # fmt: skip
    for media_type, href in parser.found:
        assert href.startswith(server.base_url), href
        status, headers, body = request(server.port, "GET", "/" + href[len(server.base_url) :])
        assert status == 200 and body
        assert headers["content-type"].split(";")[0] == media_type
