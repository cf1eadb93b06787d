"""`feedtool build` from sources: feed files, standard input, several sources merged, and the
errors a bad source gives."""

from __future__ import annotations

import io
import json
import os
import shutil
import sys
from pathlib import Path

import feedparser
import pytest
from items import SEEDS, write_config

from feedtool.build import build
from feedtool.cli import main
from feedtool.config import load_settings

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
FEEDX = SHARED / "sources" / "feedx-nytimes.xml"
needs_feedx = pytest.mark.skipif(not FEEDX.exists(), reason="needs ../shared/sources/feedx-nytimes.xml")


def rss(*items: str, title: str = "Site") -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        f"<title>{title}</title><link>https://site.example/</link><description>About it</description>"
        f"<language>fr</language>{''.join(items)}</channel></rss>\n"
    )


def item(link: str, title: str, date: str, guid: str | None = None, text: str = "<p>Text.</p>") -> str:
    guid_element = f"<guid>{guid}</guid>" if guid else ""
    return (
        f"<item><title>{title}</title><link>{link}</link>{guid_element}<pubDate>{date}</pubDate>"
        f"<description><![CDATA[{text}]]></description></item>"
    )


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@needs_feedx
def test_the_aggregators_feed_builds_the_same_items_as_the_seeds(tmp_path):
    config = write_config(tmp_path)
    from_seeds = build(load_settings(config, sources=[str(SEEDS)], out=tmp_path / "a", cache=tmp_path / "c"))
    from_feed = build(load_settings(config, sources=[str(FEEDX)], out=tmp_path / "b", cache=tmp_path / "c"))
    assert from_feed.count == from_seeds.count == 2
    fed_items = json.loads((tmp_path / "b" / "feed.json").read_bytes())["items"]
    seeded_items = json.loads((tmp_path / "a" / "feed.json").read_bytes())["items"]
    for fed, seeded in zip(fed_items, seeded_items, strict=True):
        assert fed["title"] == seeded["title"]
        assert fed["url"] == seeded["url"]
        assert fed["authors"] == seeded["authors"]  # every author, spelled as the bylines spell them
        assert fed["date_published"] == seeded["date_published"]
        assert fed["content_html"] == seeded["content_html"]  # the advert stripped, the same HTML
        assert "feedx" not in fed["content_html"]


@needs_feedx
def test_a_feed_file_builds_in_a_folder_without_a_configuration(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["build", "--source", str(FEEDX), "--out", "out"]) == 0, capsys.readouterr().err
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "atom.xml", "atom.xml.gz", "feed.json", "feed.json.gz", "index.html", "index.html.gz",
        "rss.xml", "rss.xml.gz"]  # fmt: skip
    atom = (tmp_path / "out" / "atom.xml").read_text("utf-8")
    assert "<title>纽约时报中文网</title>" in atom  # the source's title, link and language
    assert '<link href="https://cn.nytimes.com/" rel="alternate" type="text/html"/>' in atom
    assert 'xml:lang="zh-cn"' in atom
    assert "<subtitle>纽约时报中文网 - Powered by feedx.net</subtitle>" in atom


def test_the_configuration_wins_over_what_the_source_says(tmp_path, monkeypatch, capsys):
    (tmp_path / "feed.xml").write_text(
        rss(item("https://site.example/1", "One", "Mon, 01 Jan 2024 10:00:00 GMT"))
    )
    (tmp_path / "feedtool.toml").write_text('[feed]\ntitle = "Mine"\nsources = ["feed.xml"]\n')
    monkeypatch.chdir(tmp_path)
    assert main(["build"]) == 0, capsys.readouterr().err
    atom = (tmp_path / "dist" / "atom.xml").read_text("utf-8")
    assert "<title>Mine</title>" in atom and 'xml:lang="fr"' in atom  # title configured, language read


def test_sources_are_merged_one_copy_per_item_newest_first(tmp_path, monkeypatch, capsys):
    first = rss(
        item(
            "https://site.example/a", "A old", "Mon, 01 Jan 2024 10:00:00 GMT", guid="https://site.example/a"
        ),
        item("https://site.example/b", "B", "Tue, 02 Jan 2024 10:00:00 GMT"),
    )
    second = rss(
        # The same id as A, edited later: this copy wins.
        item(
            "https://site.example/a", "A new", "Wed, 03 Jan 2024 10:00:00 GMT", guid="https://site.example/a"
        ),
        # The same link as B with another id and the same date: the first source's copy wins.
        item(
            "https://site.example/b",
            "B again",
            "Tue, 02 Jan 2024 10:00:00 GMT",
            guid="urn:uuid:0f8fad5b-d9cb-469f-a165-70867728950e",
        ),
        item("https://site.example/c", "C", "Thu, 04 Jan 2024 10:00:00 GMT"),
    )
    (tmp_path / "one.xml").write_text(first)
    (tmp_path / "two.xml").write_text(second)
    monkeypatch.chdir(tmp_path)
    assert main(["build", "--source", "one.xml", "--source", "two.xml", "--out", "out"]) == 0
    result = build(load_settings(None, sources=["one.xml", "two.xml"], out=tmp_path / "out"))
    assert [entry.title for entry in result.entries] == ["C", "A new", "B"]


def test_standard_input_is_a_source(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    data = rss(item("https://site.example/1", "From stdin", "Mon, 01 Jan 2024 10:00:00 GMT")).encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    assert main(["build", "--source", "-", "--out", "out"]) == 0, capsys.readouterr().err
    assert "<title>From stdin</title>" in (tmp_path / "out" / "atom.xml").read_text("utf-8")


def test_standard_input_has_no_time_of_its_own(tmp_path, monkeypatch, capsys):
    """Read through a temporary file, yet dated by the rule for standard input, not the file's time."""
    monkeypatch.chdir(tmp_path)
    data = rss("<item><title>No date</title><link>https://site.example/u</link></item>").encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    assert main(["build", "--source", "-", "--out", "out"]) == 0
    assert "<published>2000-01-01T00:00:00+00:00</published>" in (tmp_path / "out" / "atom.xml").read_text()
    assert "<stdin>:2: an item with no date: dated 2000-01-01T00:00:00+00:00" in capsys.readouterr().err


def test_seeds_and_source_can_be_given_together(tmp_path, monkeypatch, capsys):
    (tmp_path / "feed.xml").write_text(
        rss(item("https://site.example/1", "Fed", "Mon, 01 Jan 2024 10:00:00 GMT"))
    )
    write_config(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert main(["build", "--seeds", str(SEEDS), "--source", "feed.xml", "--out", "out"]) == 0
    assert "3 items -> out/" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("source", "status", "message"),
    [
        (
            "page.html",
            1,
            "page.html:1: not a feed: the document is <html>, not RSS, RDF or Atom\n"
            "feedtool build: failed; out was left as it was\n",
        ),
        ("missing.xml", 2, "missing.xml: no such folder of item files or feed file"),
        ("ftp://example.com/feed.xml", 2, "--source: 'ftp://example.com/feed.xml': only http and https URLs"),
    ],
)
def test_a_bad_source_names_itself_and_leaves_the_output_as_it_was(
    tmp_path, monkeypatch, capsys, source, status, message
):
    (tmp_path / "page.html").write_text("<html><body><p>Moved.</p></body></html>")
    (tmp_path / "good.xml").write_text(
        rss(item("https://site.example/1", "One", "Mon, 01 Jan 2024 10:00:00 GMT"))
    )
    monkeypatch.chdir(tmp_path)
    assert main(["build", "--source", "good.xml", "--out", "out"]) == 0
    before = snapshot(tmp_path / "out")
    capsys.readouterr()
    assert main(["build", "--source", "good.xml", "--source", source, "--out", "out"]) == status
    assert message in capsys.readouterr().err
    assert snapshot(tmp_path / "out") == before


def test_an_undated_feed_file_is_dated_when_the_file_last_changed(tmp_path, monkeypatch, capsys):
    feed = tmp_path / "undated.xml"
    feed.write_text(rss("<item><title>No date</title><link>https://site.example/u</link></item>"))
    os.utime(feed, (1_700_000_000, 1_700_000_000))  # 2023-11-14T22:13:20Z
    monkeypatch.chdir(tmp_path)
    assert main(["build", "--source", "undated.xml", "--out", "out"]) == 0
    assert "<published>2023-11-14T22:13:20+00:00</published>" in (tmp_path / "out" / "atom.xml").read_text()
    assert "undated.xml:2: an item with no date: dated 2023-11-14T22:13:20+00:00" in capsys.readouterr().err


@needs_feedx
def test_the_readme_example_gives_what_the_readme_says(tmp_path, monkeypatch, capsys):
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text("utf-8")
    example = readme.split("**A real example.**", 1)[1]
    config = example.split("```toml\n", 1)[1].split("```", 1)[0]
    (tmp_path / "feedtool.toml").write_text(config, encoding="utf-8")
    shutil.copy(FEEDX, tmp_path / "feedx-nytimes.xml")
    monkeypatch.chdir(tmp_path)
    assert main(["build"]) == 0
    assert "1 items -> dist/" in capsys.readouterr().err
    parsed = feedparser.parse((tmp_path / "dist" / "atom.xml").read_bytes())
    (entry,) = parsed.entries
    assert entry.title == "普京與金正恩會面，患難時刻俄朝“擁抱”彼此"
    assert [a.name for a in entry.authors] == ["Paul Sonne", "Choe Sang-Hun"]
    assert entry.published == "2023-09-14T02:49:21+08:00"
    assert entry.media_content[0]["url"].startswith("https://static01.nyt.com/images/")
    content = entry.content[0].value
    assert "<footer" not in content and "feedx" not in content and "获取更多" not in content


def built_with_promo_stripped(tmp_path, monkeypatch, capsys, feed):
    """Build `feed` (the only source) with the rule strip = [".promo"]: its one entry in
    dist/atom.xml, as feedparser reads it."""
    (tmp_path / "feed.xml").write_text(feed)
    (tmp_path / "feedtool.toml").write_text(
        '[feed]\nsources = ["feed.xml"]\n[rules]\nstrip = [".promo"]\n', encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    assert main(["build"]) == 0, capsys.readouterr().err
    (entry,) = feedparser.parse((tmp_path / "dist" / "atom.xml").read_bytes()).entries
    return entry


def test_what_strip_removes_is_gone_from_the_summary_and_lead_image_too(tmp_path, monkeypatch, capsys):
    body = (
        '<figure class="promo"><img src="https://site.example/ad.jpg"><figcaption>Buy</figcaption></figure>'
        '<p class="promo">Subscribe now!</p><p>The article begins here.</p>'
    )
    feed = rss(item("https://site.example/1", "One", "Mon, 01 Jan 2024 10:00:00 GMT", text=body))
    entry = built_with_promo_stripped(tmp_path, monkeypatch, capsys, feed)
    assert entry.summary == "The article begins here."
    assert "media_content" not in entry and "ad.jpg" not in entry.content[0].value


def test_a_summary_and_lead_image_the_feed_states_stay_when_strip_removes_parts_of_the_article(
    tmp_path, monkeypatch, capsys
):
    body = '<p class="promo">Subscribe now!</p><img src="https://site.example/inline.jpg"><p>The article.</p>'
    feed = (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:media="http://search.yahoo.com/mrss/">'
        "<channel><title>Site</title><link>https://site.example/</link><description>About it</description>"
        "<item><title>One</title><link>https://site.example/1</link>"
        "<pubDate>Mon, 01 Jan 2024 10:00:00 GMT</pubDate>"
        "<description>The editor's own summary.</description>"
        '<media:content url="https://site.example/lead.jpg" medium="image"/>'
        f"<content:encoded><![CDATA[{body}]]></content:encoded></item></channel></rss>\n"
    )
    entry = built_with_promo_stripped(tmp_path, monkeypatch, capsys, feed)
    assert entry.summary == "The editor's own summary."
    assert [m["url"] for m in entry.media_content] == ["https://site.example/lead.jpg"]
    assert "Subscribe" not in entry.content[0].value


def test_a_source_feeds_icon_and_logo_carry_into_the_built_feeds(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "feed.xml").write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        "<id>https://site.example/</id><title>Site</title><updated>2024-01-02T00:00:00Z</updated>"
        '<link href="https://site.example/"/><icon>https://site.example/icon.png</icon>'
        "<logo>https://site.example/logo.png</logo>"
        "<entry><id>https://site.example/1</id><title>One</title><updated>2024-01-01T10:00:00Z</updated>"
        '<link href="https://site.example/1"/><content type="html">&lt;p&gt;Text.&lt;/p&gt;</content></entry>'
        "</feed>\n"
    )
    assert main(["build", "--source", "feed.xml", "--out", "out"]) == 0, capsys.readouterr().err
    atom = feedparser.parse((tmp_path / "out" / "atom.xml").read_bytes()).feed
    assert (atom.icon, atom.logo) == ("https://site.example/icon.png", "https://site.example/logo.png")
    fed = json.loads((tmp_path / "out" / "feed.json").read_text("utf-8"))
    assert (fed["favicon"], fed["icon"]) == ("https://site.example/icon.png", "https://site.example/logo.png")


def test_item_files_name_a_seeds_folder_that_is_gone_or_not_a_folder(tmp_path, monkeypatch):
    # The command checks the folder first; this is what a build says when it vanished since.
    from feedtool.errors import ConfigError
    from feedtool.sources import item_files

    monkeypatch.chdir(tmp_path)
    (tmp_path / "seeds.txt").write_text("not a folder")
    for name, what in (("gone", "no such folder"), ("seeds.txt", "a file, not a folder")):
        with pytest.raises(ConfigError) as raised:
            item_files(Path(name))
        assert str(raised.value) == f"{name}: {what} of item files (set [build] seeds or --seeds)"


def test_an_output_path_that_is_a_file_is_a_usage_error_naming_it(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    shutil.copytree(SEEDS, tmp_path / "seeds")
    write_config(tmp_path)
    (tmp_path / "out").write_text("a file where the output folder should be")
    assert main(["build", "--out", "out"]) == 2
    assert capsys.readouterr().err == "feedtool build: out: cannot write there: out is a file, not a folder\n"
    assert (tmp_path / "out").read_text() == "a file where the output folder should be"
    assert main(["build", "--out", "out/feeds"]) == 2
    err = capsys.readouterr().err
    assert err == "feedtool build: out/feeds: cannot write there: out is a file, not a folder\n"


def test_an_nginx_conf_that_cannot_be_written_is_refused_before_building(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    shutil.copytree(SEEDS, tmp_path / "seeds")
    write_config(tmp_path)
    (tmp_path / "conf.d").write_text("a file where a folder should be")
    for where, why in (
        ("nowhere/feeds.conf", "there is no folder nowhere to write it in"),
        ("conf.d/feeds.conf", "conf.d is a file, not a folder"),
        ("seeds", "a folder is there, not a file"),
    ):
        assert main(["build", "--out", "out", "--nginx-conf", where]) == 2
        assert capsys.readouterr().err == f"feedtool build: --nginx-conf {where}: {why}\n"
        assert not (tmp_path / "out").exists()  # the feeds were not published first
    assert main(["build", "-q", "--out", "out", "--nginx-conf", "feeds.conf"]) == 0
    assert f'alias "{tmp_path / "out" / "atom.xml"}";' in (tmp_path / "feeds.conf").read_text("utf-8")


def _podcast(owner: str) -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" '
        'xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel>'
        "<title>Show</title><link>https://site.example/</link><description>A show.</description>"
        "<language>en</language><itunes:explicit>false</itunes:explicit>"
        '<itunes:image href="https://site.example/cover.jpg"/>'
        '<itunes:category text="Technology"/><itunes:category text="Not A Category"/>'
        f"<itunes:owner><itunes:name>Jo</itunes:name>{owner}</itunes:owner>"
        "<item><title>Episode 1</title><link>https://site.example/1</link><guid>https://site.example/1</guid>"
        "<pubDate>Mon, 01 Jan 2024 10:00:00 GMT</pubDate><description>First.</description>"
        '<enclosure url="https://site.example/1.mp3" length="1234" type="audio/mpeg"/></item>'
        "</channel></rss>\n"
    )


def test_a_podcast_source_keeps_only_the_itunes_tags_apple_accepts(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "show.xml").write_text(_podcast("<itunes:email>jo@site.example</itunes:email>"))
    assert main(["build", "--source", "show.xml", "--out", "out"]) == 0, capsys.readouterr().err
    rss = (tmp_path / "out" / "rss.xml").read_text("utf-8")
    assert '<itunes:category text="Technology"/>' in rss
    assert "Not A Category" not in rss
    # Without an owner's e-mail the show is no podcast Apple takes: no iTunes tag at all.
    (tmp_path / "show.xml").write_text(_podcast(""))
    assert main(["build", "--source", "show.xml", "--out", "out"]) == 0, capsys.readouterr().err
    rss = (tmp_path / "out" / "rss.xml").read_text("utf-8")
    assert "itunes:" not in rss and 'url="https://site.example/1.mp3"' in rss
