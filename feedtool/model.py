"""The values that flow through feedtool: items, people, images, enclosures and feed metadata."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


def _require_aware(owner: str, name: str, value: datetime | None) -> None:
    if value is not None and (value.tzinfo is None or value.utcoffset() is None):
        raise ValueError(f"{owner}.{name} must be timezone-aware, got naive {value.isoformat()}")


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    email: str | None = None
    uri: str | None = None


@dataclass(frozen=True, slots=True)
class Image:
    url: str
    caption: str | None = None
    credit: str | None = None
    width: int | None = None
    height: int | None = None
    media_type: str | None = None


@dataclass(frozen=True, slots=True)
class Enclosure:
    """A file attached to an item (a podcast episode's audio, a PDF): RSS <enclosure>, Atom
    <link rel="enclosure">, a JSON Feed attachment."""

    url: str
    length: int | None = None  # bytes; None when the source did not say
    media_type: str | None = None


@dataclass(frozen=True, slots=True)
class Episode:
    """What a podcast says about one episode (the iTunes item tags)."""

    duration: int | None = None  # seconds
    episode: int | None = None
    season: int | None = None
    explicit: bool | None = None
    episode_type: str | None = None  # full, trailer or bonus


@dataclass(frozen=True, slots=True)
class Podcast:
    """What a podcast says about itself (the iTunes channel tags)."""

    author: str | None = None
    owner: Person | None = None
    image: str | None = None
    categories: tuple[tuple[str, ...], ...] = ()  # (category,) or (category, subcategory)
    explicit: bool | None = None
    show_type: str | None = None  # episodic or serial


@dataclass(frozen=True, slots=True)
class Item:
    """One article as feedtool knows it, from reading through cleaning to emitting."""

    id: str
    url: str
    title: str
    published: datetime
    updated: datetime
    authors: tuple[Person, ...] = ()
    summary: str = ""
    content_html: str = ""
    categories: tuple[str, ...] = ()
    image: Image | None = None
    language: str | None = None
    captured: datetime | None = None
    source: str | None = None  # where the item was read from (a file path), for messages
    enclosures: tuple[Enclosure, ...] = ()
    comments_url: str | None = None
    episode: Episode | None = None
    # The fields read from the article's own HTML ("image", "summary"), not stated by the
    # source: rules that remove parts of the HTML (strip) change them too.
    derived: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name in ("published", "updated", "captured"):
            _require_aware("Item", name, getattr(self, name))


@dataclass(frozen=True, slots=True)
class FeedMeta:
    """What a feed says about itself; feed URLs are where each file is served."""

    title: str
    subtitle: str
    id: str
    site_url: str
    base_url: str
    language: str
    updated: datetime
    author: str = ""
    generator: str = "feedtool"
    generator_version: str = ""
    icon: str | None = None  # a small square image (favicon)
    logo: str | None = None  # a larger image for the feed
    podcast: Podcast | None = None

    def __post_init__(self) -> None:
        _require_aware("FeedMeta", "updated", self.updated)

    def url_of(self, filename: str) -> str:
        return self.base_url + filename


@dataclass(frozen=True, slots=True)
class Channel:
    """What an existing feed says about itself, as read; empty strings and None where it is
    silent. A build fills the output's FeedMeta from it where the configuration is silent."""

    title: str = ""
    subtitle: str = ""
    site_url: str = ""
    language: str = ""
    author: Person | None = None
    updated: datetime | None = None
    icon: str | None = None
    logo: str | None = None
    podcast: Podcast | None = None

    def __post_init__(self) -> None:
        _require_aware("Channel", "updated", self.updated)
