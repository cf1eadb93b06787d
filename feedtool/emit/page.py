"""The human-readable index.html beside the feeds: what the feed is, its items, how to subscribe."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from html import escape
from urllib.parse import urlsplit

from feedtool.model import FeedMeta, Item

# The page's own words, in the feed's language when we have them (English otherwise).
_WORDS = {
    "en": {
        "subscribe": "Subscribe",
        "hint": "Copy an address into your feed reader:",
        "items": "Latest items",
        "updated": "Updated",
        "by": "by",
        "none": "No items yet.",
        "feeds": "Feeds",
        "count": "items",
        "made": "Made by",
        "separator": ", ",
    },
    "zh": {
        "subscribe": "订阅",
        "hint": "把下面任一地址复制到你的阅读器中：",
        "items": "最新文章",
        "updated": "更新于",
        "by": "作者",
        "none": "还没有文章。",
        "feeds": "订阅源",
        "count": "篇",
        "made": "生成工具",
        "separator": "、",
    },
}

_STYLE = """
:root { color-scheme: light dark; --fg: #1d1d1f; --muted: #6e6e73; --line: #e3e3e8;
  --accent: #0b57d0; --panel: #f6f7f9; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #ececf0; --muted: #a1a1aa; --line: #34343a; --accent: #8ab4f8; --panel: #1f2024; }
  body { background: #141416; }
}
* { box-sizing: border-box; }
body { margin: 0; color: var(--fg); line-height: 1.75;
  font-family: system-ui, -apple-system, "Segoe UI", "PingFang SC", "Hiragino Sans GB",
    "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei",
    "Helvetica Neue", Arial, sans-serif;
  text-rendering: optimizeLegibility; -webkit-text-size-adjust: 100%; }
:lang(zh), :lang(ja) { line-break: strict; word-break: normal; overflow-wrap: anywhere; }
main { max-width: 46rem; margin: 0 auto; padding: 2.5rem 1.25rem 3rem; }
a { color: var(--accent); text-decoration: none; }
a:hover, a:focus { text-decoration: underline; }
header h1 { font-size: 1.9rem; line-height: 1.3; margin: 0 0 .5rem; letter-spacing: .02em; }
header p { margin: 0; color: var(--muted); }
.meta { font-size: .875rem; color: var(--muted); }
.subscribe { margin: 1.75rem 0 2.25rem; padding: 1rem 1.25rem; background: var(--panel);
  border: 1px solid var(--line); border-radius: .5rem; }
.subscribe h2 { font-size: 1rem; margin: 0 0 .25rem; }
.subscribe p { margin: 0 0 .5rem; font-size: .9rem; color: var(--muted); }
.subscribe ul { list-style: none; margin: 0; padding: 0; }
.subscribe li { display: flex; flex-wrap: wrap; gap: .25rem .75rem; align-items: baseline;
  padding: .2rem 0; }
.subscribe .kind { min-width: 5.5rem; font-weight: 600; }
.subscribe code { font: .875rem/1.5 ui-monospace, "SFMono-Regular", Menlo, Consolas,
  "DejaVu Sans Mono", monospace; user-select: all; overflow-wrap: anywhere; }
.items h2 { font-size: 1.15rem; margin: 0 0 .5rem; padding-bottom: .4rem;
  border-bottom: 1px solid var(--line); }
.items ol { list-style: none; margin: 0; padding: 0; }
article { padding: 1.1rem 0; border-bottom: 1px solid var(--line); }
article h3 { font-size: 1.2rem; line-height: 1.45; margin: 0 0 .3rem; }
article p { margin: .5rem 0 0; }
footer { margin-top: 2rem; font-size: .8rem; color: var(--muted); }
"""


def _words(language: str) -> dict[str, str]:
    return _WORDS.get(language.split("-")[0].lower(), _WORDS["en"])


def _web_url(url: str) -> str | None:
    """The URL if a browser may follow it from our page (http or https), else None."""
    return url if urlsplit(url.strip()).scheme.lower() in ("http", "https") else None


def _when(moment: datetime) -> str:
    offset = moment.strftime("%z")
    zone = "UTC" if offset in ("+0000", "") else f"UTC{offset[:3]}:{offset[3:]}"
    return f'<time datetime="{escape(moment.isoformat())}">{moment.strftime("%Y-%m-%d %H:%M")} {zone}</time>'


def _linked(text: str, url: str) -> str:
    target = _web_url(url)
    if target is None:
        return escape(text)
    return f'<a href="{escape(target)}">{escape(text)}</a>'


def _item(item: Item, words: dict[str, str]) -> str:
    parts = [f"<li><article>\n<h3>{_linked(item.title, item.url)}</h3>"]
    meta = [_when(item.published)]
    if item.authors:
        names = words["separator"].join(escape(person.name) for person in item.authors)
        meta.append(f'{words["by"]} <span class="authors">{names}</span>')
    parts.append(f'<div class="meta">{" · ".join(meta)}</div>')
    if item.summary:
        parts.append(f"<p>{escape(item.summary)}</p>")
    parts.append("</article></li>")
    return "\n".join(parts)


def render_index(meta: FeedMeta, items: Sequence[Item], feeds: Sequence[tuple[str, str, str]]) -> str:
    """The page; `feeds` are (label, filename, media type), e.g. ("Atom", "atom.xml", ATOM)."""
    head, closing, no_items = index_parts(meta, feeds)
    return head + ("\n".join(index_item(item, meta.language) for item in items) or no_items) + closing


def index_item(item: Item, language: str) -> str:
    """One item's entry in the list; entries are joined with newlines."""
    return _item(item, _words(language))


_ENTRIES = "\0entries\0"


def index_parts(meta: FeedMeta, feeds: Sequence[tuple[str, str, str]]) -> tuple[str, str, str]:
    """The page before its first item and after its last, and what stands for no items."""
    head, closing = _page(meta, feeds, _ENTRIES).split(_ENTRIES)
    return head, closing, f"<li>{_words(meta.language)['none']}</li>"


def _page(meta: FeedMeta, feeds: Sequence[tuple[str, str, str]], entries: str) -> str:
    words = _words(meta.language)
    title = escape(meta.title)
    alternates = "\n".join(
        f'<link rel="alternate" type="{escape(media_type)}" '
        f'title="{escape(f"{meta.title} ({label})")}" href="{escape(meta.url_of(filename))}">'
        for label, filename, media_type in feeds
    )
    addresses = "\n".join(
        f'<li><span class="kind">{escape(label)}</span> '
        f'<a href="{escape(meta.url_of(filename))}"><code>{escape(meta.url_of(filename))}</code></a>'
        "</li>"
        for label, filename, _ in feeds
    )
    generator = escape(f"{meta.generator} {meta.generator_version}".strip())
    description = f'<meta name="description" content="{escape(meta.subtitle)}">\n' if meta.subtitle else ""
    return f"""<!DOCTYPE html>
<html lang="{escape(meta.language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
{description}<meta name="generator" content="{generator}">
{alternates}
<style>{_STYLE}</style>
</head>
<body>
<main>
<header>
<h1>{_linked(meta.title, meta.site_url)}</h1>
{f"<p>{escape(meta.subtitle)}</p>" if meta.subtitle else ""}
<div class="meta">{words["updated"]} {_when(meta.updated)}</div>
</header>
<section class="subscribe" aria-labelledby="subscribe">
<h2 id="subscribe">{words["subscribe"]}</h2>
<p>{words["hint"]}</p>
<ul>
{addresses}
</ul>
</section>
<section class="items" aria-labelledby="items">
<h2 id="items">{words["items"]}</h2>
<ol>
{entries}
</ol>
</section>
<footer>{words["made"]} {generator}</footer>
</main>
</body>
</html>
"""


def render_site_index(
    site: FeedMeta, feeds: Sequence[tuple[FeedMeta, int]], formats: Sequence[tuple[str, str, str]]
) -> str:
    """The page of an output folder holding several feeds ([[feeds]]): each feed with its
    description, when it was updated, how many items it has, and its addresses; every feed is
    discoverable from the page's head."""
    words = _words(site.language)
    alternates = "\n".join(
        f'<link rel="alternate" type="{escape(media_type)}" '
        f'title="{escape(f"{meta.title} ({label})")}" href="{escape(meta.url_of(filename))}">'
        for meta, _ in feeds
        for label, filename, media_type in formats
    )
    entries = []
    for meta, count in feeds:
        addresses = " · ".join(
            f'<a href="{escape(meta.url_of(filename))}">{escape(label)}</a>' for label, filename, _ in formats
        )
        subtitle = f"<p>{escape(meta.subtitle)}</p>" if meta.subtitle else ""
        entries.append(
            f"<li><article>\n<h3>{_linked(meta.title, meta.url_of(''))}</h3>\n"
            f'<div class="meta">{words["updated"]} {_when(meta.updated)} · {count} {words["count"]}'
            f" · {addresses}</div>\n{subtitle}\n</article></li>"
        )
    generator = escape(f"{site.generator} {site.generator_version}".strip())
    description = f'<meta name="description" content="{escape(site.subtitle)}">\n' if site.subtitle else ""
    return f"""<!DOCTYPE html>
<html lang="{escape(site.language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(site.title)}</title>
{description}<meta name="generator" content="{generator}">
{alternates}
<style>{_STYLE}</style>
</head>
<body>
<main>
<header>
<h1>{_linked(site.title, site.site_url)}</h1>
{f"<p>{escape(site.subtitle)}</p>" if site.subtitle else ""}
<div class="meta">{words["updated"]} {_when(site.updated)}</div>
</header>
<section class="items" aria-labelledby="feeds">
<h2 id="feeds">{words["feeds"]}</h2>
<ol>
{chr(10).join(entries) or f"<li>{words['none']}</li>"}
</ol>
</section>
<footer>{words["made"]} {generator}</footer>
</main>
</body>
</html>
"""
