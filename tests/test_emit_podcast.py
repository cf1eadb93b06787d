"""A podcast's iTunes tags: written only when the show and every episode meet Apple's
requirements, and then as Apple reads them. Expected values are written by hand."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from lxml import etree

from feedtool.emit.feeds import podcast_to_write, write_rss
from feedtool.model import Enclosure, Episode, FeedMeta, Item, Person, Podcast

ITUNES = "{http://www.itunes.com/dtds/podcast-1.0.dtd}"
WHEN = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)
SHOW = Podcast(
    author="Pod People",
    owner=Person(name="Pat", email="pat@pod.example"),
    image="https://pod.example/cover.JPG",
    categories=(("Technology",), ("Arts", "Design"), ("Arts", "Knitting"), ("Gardening",)),
    explicit=False,
    show_type="serial",
)
META = FeedMeta(
    title="Pod Talk",
    subtitle="Talk about pods",
    id="https://pod.example/",
    site_url="https://pod.example/",
    base_url="https://feeds.example.org/pod/",
    language="en",
    updated=WHEN,
    podcast=SHOW,
)


def episode(number: int, **changes: object) -> Item:
    item = Item(
        id=f"https://pod.example/{number}",
        url=f"https://pod.example/{number}",
        title=f"Episode {number}",
        published=WHEN,
        updated=WHEN,
        summary=f"About episode {number}.",
        enclosures=(Enclosure(f"https://pod.example/{number}.mp3", 1000 + number),),
        episode=Episode(duration=3723, episode=number, season=2, explicit=number == 2, episode_type="full"),
    )
    return replace(item, **changes)  # type: ignore[arg-type]


def test_a_show_that_meets_apples_requirements_keeps_only_apples_categories():
    assert podcast_to_write(META, [episode(1), episode(2)]) == Podcast(
        author="Pod People",
        owner=Person(name="Pat", email="pat@pod.example"),
        image="https://pod.example/cover.JPG",
        categories=(("Technology",), ("Arts", "Design")),
        explicit=False,
        show_type="serial",
    )


def test_a_description_of_exactly_4000_bytes_is_within_apples_limit():
    # 2000 two-byte characters (é is two bytes in UTF-8).
    assert podcast_to_write(replace(META, subtitle="é" * 2000), [episode(1)]) is not None
    assert podcast_to_write(META, [episode(1, summary="é" * 2000)]) is not None
    assert podcast_to_write(META, []) is not None  # a show with no episodes yet


@pytest.mark.parametrize(
    ("meta", "items"),
    [
        (replace(META, podcast=None), [episode(1)]),
        (
            replace(META, podcast=replace(SHOW, categories=(("Gardening",), ("Arts", "Knitting")))),
            [episode(1)],
        ),
        (replace(META, podcast=replace(SHOW, explicit=None)), [episode(1)]),
        (replace(META, podcast=replace(SHOW, owner=None)), [episode(1)]),
        (replace(META, podcast=replace(SHOW, owner=Person(name="Pat"))), [episode(1)]),
        (replace(META, language=""), [episode(1)]),
        (replace(META, podcast=replace(SHOW, image=None)), [episode(1)]),
        (replace(META, podcast=replace(SHOW, image="https://pod.example/cover.gif")), [episode(1)]),
        (replace(META, subtitle="é" * 2000 + "x"), [episode(1)]),
        (replace(META, subtitle="", title="é" * 2000 + "x"), [episode(1)]),
        (META, [episode(1), episode(2, enclosures=())]),
        (META, [episode(1, enclosures=(Enclosure("https://pod.example/1.txt", 5),))]),
        (META, [episode(1, enclosures=(Enclosure("https://pod.example/1.mp3"),))]),
        (META, [episode(1), episode(2, enclosures=(Enclosure("https://pod.example/1.mp3", 7),))]),
        (META, [episode(1, summary="é" * 2000 + "x")]),
        (META, [episode(1), episode(2, episode=Episode(duration=60))]),
        (META, [episode(1), episode(2, episode=None)]),
    ],
    ids=[
        "not-a-podcast",
        "no-category-apple-offers",
        "explicit-not-said",
        "no-owner",
        "owner-without-email",
        "no-language",
        "no-artwork",
        "gif-artwork",
        "description-over-4000-bytes",
        "title-as-description-over-4000-bytes",
        "episode-without-enclosure",
        "episode-enclosure-not-audio-or-video",
        "episode-enclosure-without-length",
        "two-episodes-one-file",
        "episode-description-over-4000-bytes",
        "serial-episode-without-number",
        "serial-item-without-episode-tags",
    ],
)
def test_a_show_short_of_one_requirement_gets_no_itunes_tags(meta, items):
    assert podcast_to_write(meta, items) is None


def test_an_episodic_show_needs_no_episode_numbers():
    episodic = replace(META, podcast=replace(SHOW, show_type="episodic"))
    assert podcast_to_write(episodic, [episode(1, episode=None)]) is not None


def written(tmp_path: Path, meta: FeedMeta, items: list[Item]) -> etree._Element:
    path = tmp_path / "rss.xml"
    write_rss(meta, items, path)
    return etree.parse(str(path)).getroot()[0]


def itunes(element: etree._Element) -> list[tuple[str, str, tuple[tuple[str, str], ...]]]:
    """The element's iTunes children: (name, text, attributes)."""
    return [
        (child.tag.removeprefix(ITUNES), (child.text or "").strip(), tuple(sorted(child.attrib.items())))
        for child in element
        if child.tag.startswith(ITUNES)
    ]


def test_the_show_and_its_episodes_carry_their_itunes_tags(tmp_path):
    items = [episode(1), episode(2, episode=Episode(duration=60, episode=2))]
    channel = written(tmp_path, replace(META, podcast=podcast_to_write(META, items)), items)
    assert sorted(itunes(channel)) == [
        ("author", "Pod People", ()),
        ("category", "", (("text", "Arts"),)),
        ("category", "", (("text", "Technology"),)),
        ("explicit", "false", ()),
        ("image", "", (("href", "https://pod.example/cover.JPG"),)),
        ("owner", "", ()),
        ("type", "serial", ()),
    ]
    owner = channel.find(f"{ITUNES}owner")
    assert [(c.tag.removeprefix(ITUNES), c.text) for c in owner] == [
        ("name", "Pat"),
        ("email", "pat@pod.example"),
    ]
    categories = {c.get("text"): [dict(s.attrib) for s in c] for c in channel.iter(f"{ITUNES}category")}
    assert categories == {"Technology": [], "Arts": [{"text": "Design"}], "Design": []}
    first, second = channel.findall("item")
    assert sorted(itunes(first)) == [
        ("duration", "1:02:03", ()),
        ("episode", "1", ()),
        ("episodeType", "full", ()),
        ("explicit", "false", ()),
        ("season", "2", ()),
    ]
    assert sorted(itunes(second)) == [("duration", "0:01:00", ()), ("episode", "2", ())]


def test_an_explicit_show_and_episode_say_true(tmp_path):
    meta = replace(META, podcast=replace(SHOW, explicit=True, show_type=None, author=None))
    items = [episode(2)]
    channel = written(tmp_path, replace(meta, podcast=podcast_to_write(meta, items)), items)
    assert sorted(name for name, _, _ in itunes(channel)) == [
        "category",
        "category",
        "explicit",
        "image",
        "owner",
    ]
    assert channel.findtext(f"{ITUNES}explicit") == "true"
    assert channel.find("item").findtext(f"{ITUNES}explicit") == "true"


@pytest.mark.parametrize(
    "artwork",
    ["https://pod.example/cover.jpeg", "https://pod.example/COVER.PNG", "https://pod.example/c.jpg?v=2"],
)
def test_artwork_apple_takes_is_written_whatever_the_spelling_of_its_suffix(tmp_path, artwork):
    meta = replace(META, podcast=replace(SHOW, image=artwork))
    channel = written(tmp_path, replace(meta, podcast=podcast_to_write(meta, [episode(1)])), [episode(1)])
    assert [dict(image.attrib) for image in channel.iter(f"{ITUNES}image")] == [{"href": artwork}]


def test_a_feed_that_is_not_a_podcast_has_no_itunes_tags_but_keeps_its_first_enclosure(tmp_path):
    two_files = (
        Enclosure("https://pod.example/1.mp3"),
        Enclosure("https://pod.example/1.pdf", 9, "application/pdf"),
    )
    channel = written(tmp_path, replace(META, podcast=None), [episode(1, enclosures=two_files)])
    assert "itunes" not in etree.tostring(channel, encoding="unicode")
    assert [dict(e.attrib) for e in channel.iter("enclosure")] == [
        {"url": "https://pod.example/1.mp3", "length": "0", "type": "audio/mpeg"}
    ]
