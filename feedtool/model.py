"""The values that flow through feedtool: items, people, images and feed metadata."""

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

    def __post_init__(self) -> None:
        _require_aware("FeedMeta", "updated", self.updated)

    def url_of(self, filename: str) -> str:
        return self.base_url + filename
