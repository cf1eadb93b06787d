"""Bad and good example documents for `--explain`: complete feeds that differ in one problem.

A builder starts from a small valid feed and replaces, removes (None) or adds children by
label, so an example spells out only what it is about:

    bad=rss(item={"guid": None}), good=rss()

`Example` also says how the document is saved and served when that is the point (an
encoding, a Content-Type). `EXAMPLES` holds the examples of codes defined without their own.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

Children = Mapping[str, str | None]

ATOM_URL = "https://example.com/feed.atom"
RSS_URL = "https://example.com/feed.rss"
RSS1_URL = "https://example.com/feed.rdf"
JSON_URL = "https://example.com/feed.json"
PROLOG = '<?xml version="1.0" encoding="utf-8"?>\n'


@dataclass(frozen=True, slots=True)
class Example:
    """A complete document, the bytes' encoding, and how it is served and at which address."""

    document: str
    saved_as: str = "utf-8"
    served_as: str | None = None
    location: str | None = None

    def data(self) -> bytes:
        return self.document.encode(self.saved_as)


# The prefixes examples may use without declaring them; builders declare the ones used.
PREFIXES = {
    "atom": "http://www.w3.org/2005/Atom",
    "app": "http://www.w3.org/2007/app",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "fh": "http://purl.org/syndication/history/1.0",
    "georss": "http://www.georss.org/georss",
    "geo": "http://www.w3.org/2003/01/geo/wgs84_pos#",
    "itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd",
    "media": "http://search.yahoo.com/mrss/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "slash": "http://purl.org/rss/1.0/modules/slash/",
    "sx": "http://feedsync.org/2007/feedsync",
    "sy": "http://purl.org/rss/1.0/modules/syndication/",
    "thr": "http://purl.org/syndication/thread/1.0",
    "wfw": "http://wellformedweb.org/CommentAPI/",
    "xhtml": "http://www.w3.org/1999/xhtml",
    "access": "http://www.bloglines.com/about/specs/fac-1.0",
    "feedburner": "http://rssnamespace.org/feedburner/ext/1.0",
    "cc": "http://web.resource.org/cc/",
    "creativeCommons": "http://backend.userland.com/creativeCommonsRssModule",
    "admin": "http://webns.net/mvcb/",
    "blogChannel": "http://backend.userland.com/blogChannelModule",
    "ev": "http://purl.org/rss/1.0/modules/event/",
    "trackback": "http://madskills.com/public/xml/rss/module/trackback/",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
}
_USED_PREFIX = re.compile(r"[<\s]/?([A-Za-z][\w.-]*):[A-Za-z_]")
_ROOT_START = re.compile(r"<([A-Za-z][^\s>/]*)([^>]*?)(/?)>")


def declare_prefixes(document: str) -> str:
    """`document` with the namespaces of the known prefixes it uses declared on its root."""
    root = next(m for m in _ROOT_START.finditer(document) if not m.group(1).startswith(("?", "!")))
    used = dict.fromkeys(p for p in _USED_PREFIX.findall(document) if p in PREFIXES)
    missing = [p for p in used if f"xmlns:{p}=" not in document]
    if not missing:
        return document
    declarations = "".join(f' xmlns:{p}="{PREFIXES[p]}"' for p in missing)
    return document[: root.end(2)] + declarations + document[root.end(2) :]


def _children(defaults: Children, changes: Children, indent: str) -> str:
    merged = {**defaults, **changes}
    return "".join(f"{indent}{markup}\n" for markup in merged.values() if markup is not None)


def _entry(number: int) -> dict[str, str | None]:
    url = f"https://example.com/posts/{number}"
    return {
        "title": f"<title>Post {number}</title>",
        "id": f"<id>{url}</id>",
        "updated": f"<updated>2024-05-0{number}T12:00:00Z</updated>",
        "link": f'<link href="{url}"/>',
        "summary": f"<summary>What post {number} is about.</summary>",
    }


ATOM_FEED: Children = {
    "title": "<title>Example News</title>",
    "id": "<id>https://example.com/</id>",
    "updated": "<updated>2024-05-01T12:00:00Z</updated>",
    "author": "<author><name>Ann Lee</name></author>",
    "self": f'<link rel="self" href="{ATOM_URL}"/>',
    "link": '<link href="https://example.com/"/>',
}


def atom(
    feed: Children | None = None,
    entry: Children | None = None,
    *,
    entries: Sequence[Children] | None = None,
    root: str = "",
    prolog: str = PROLOG,
) -> Example:
    """An Atom feed: the default metadata with `feed` changes, and one entry with `entry`
    changes (or one entry per item of `entries`). `root` adds attributes to <feed>."""
    changes = entries if entries is not None else [entry or {}]
    body = _children(ATOM_FEED, feed or {}, "  ")
    for number, entry_changes in enumerate(changes, 1):
        body += f"  <entry>\n{_children(_entry(number), entry_changes, '    ')}  </entry>\n"
    document = f'{prolog}<feed xmlns="http://www.w3.org/2005/Atom"{root}>\n{body}</feed>\n'
    return Example(declare_prefixes(document), location=ATOM_URL)


def _item(number: int) -> dict[str, str | None]:
    url = f"https://example.com/posts/{number}"
    return {
        "title": f"<title>Post {number}</title>",
        "link": f"<link>{url}</link>",
        "guid": f"<guid>{url}</guid>",
        "pubDate": f"<pubDate>Wed, 0{number} May 2024 12:00:00 GMT</pubDate>",
        "description": f"<description>What post {number} is about.</description>",
    }


RSS_CHANNEL: Children = {
    "title": "<title>Example News</title>",
    "link": "<link>https://example.com/</link>",
    "description": "<description>News from Example</description>",
    "self": f'<atom:link rel="self" href="{RSS_URL}" type="application/rss+xml"/>',
}


def rss(
    channel: Children | None = None,
    item: Children | None = None,
    *,
    items: Sequence[Children] | None = None,
    root: str = ' version="2.0"',
    prolog: str = PROLOG,
) -> Example:
    """An RSS 2.0 feed: the default channel with `channel` changes, and one item with `item`
    changes (or one item per element of `items`). `root` is <rss>'s attributes."""
    changes = items if items is not None else [item or {}]
    body = _children(RSS_CHANNEL, channel or {}, "    ")
    for number, item_changes in enumerate(changes, 1):
        body += f"    <item>\n{_children(_item(number), item_changes, '      ')}    </item>\n"
    document = f"{prolog}<rss{root}>\n  <channel>\n{body}  </channel>\n</rss>\n"
    return Example(declare_prefixes(document), location=RSS_URL)


RSS1_CHANNEL: Children = {
    "title": "<title>Example News</title>",
    "link": "<link>https://example.com/</link>",
    "description": "<description>News from Example</description>",
    "items": '<items><rdf:Seq><rdf:li rdf:resource="https://example.com/posts/1"/></rdf:Seq></items>',
}
RSS1_ITEM: Children = {
    "title": "<title>Post 1</title>",
    "link": "<link>https://example.com/posts/1</link>",
}


def rss1(channel: Children | None = None, item: Children | None = None, *, outside: str = "") -> Example:
    """An RSS 1.0 feed with one item; `outside` adds elements after the item (image, textinput)."""
    document = (
        f'{PROLOG}<rdf:RDF xmlns="http://purl.org/rss/1.0/">\n'
        f'  <channel rdf:about="https://example.com/">\n{_children(RSS1_CHANNEL, channel or {}, "    ")}'
        f'  </channel>\n  <item rdf:about="https://example.com/posts/1">\n'
        f"{_children(RSS1_ITEM, item or {}, '    ')}  </item>\n{outside}</rdf:RDF>\n"
    )
    return Example(declare_prefixes(document), location=RSS1_URL)


JSON_FEED: Mapping[str, object] = {
    "version": "https://jsonfeed.org/version/1.1",
    "title": "Example News",
    "home_page_url": "https://example.com/",
    "feed_url": JSON_URL,
}
JSON_ITEM: Mapping[str, object] = {
    "id": "https://example.com/posts/1",
    "url": "https://example.com/posts/1",
    "content_text": "What post 1 is about.",
}
REMOVE = object()


def json_feed(feed: Mapping[str, object] | None = None, item: Mapping[str, object] | None = None) -> Example:
    """A JSON Feed with one item; a member whose value is `REMOVE` is left out."""
    items = [{k: v for k, v in {**JSON_ITEM, **(item or {})}.items() if v is not REMOVE}]
    members = {"items": items, **JSON_FEED, **(feed or {})}
    kept = {k: v for k, v in members.items() if v is not REMOVE}
    kept["items"] = kept.pop("items")  # last, as feeds usually write it
    return Example(json.dumps(kept, indent=2, ensure_ascii=False) + "\n", location=JSON_URL)


def app_service(collection: str = "") -> Example:
    """An Atom Publishing Protocol service document with one collection; `collection` is added
    inside it."""
    document = (
        f'{PROLOG}<service xmlns="http://www.w3.org/2007/app" xmlns:atom="http://www.w3.org/2005/Atom">\n'
        "  <workspace>\n    <atom:title>Main</atom:title>\n"
        '    <collection href="https://example.com/posts">\n'
        f"      <atom:title>Posts</atom:title>\n{collection}    </collection>\n"
        "  </workspace>\n</service>\n"
    )
    return Example(document)


def served(example: Example, content_type: str) -> Example:
    return Example(example.document, example.saved_as, content_type, example.location)


def saved(example: Example, encoding: str) -> Example:
    return Example(example.document, encoding, example.served_as, example.location)


def with_prolog(example: Example, prolog: str) -> Example:
    return Example(prolog + example.document.removeprefix(PROLOG), example.saved_as,
                   example.served_as, example.location)  # fmt: skip


_UUID = "urn:uuid:60a76c80-d399-11d9-b93c-0003939e0af6"
_SYNC = '<sx:sync id="post-1" updates="1">{history}</sx:sync>'
_HISTORY = '<sx:history sequence="1" when="2024-05-01T12:00:00Z" by="ann"/>'
_PODCAST: Children = {
    "itunes:author": "<itunes:author>Ann Lee</itunes:author>",
    "itunes:image": '<itunes:image href="https://example.com/cover.jpg"/>',
    "itunes:category": '<itunes:category text="Technology"/>',
    "itunes:explicit": "<itunes:explicit>false</itunes:explicit>",
    "itunes:owner": "<itunes:owner><itunes:name>Ann Lee</itunes:name>"
    "<itunes:email>ann@example.com</itunes:email></itunes:owner>",
    "language": "<language>en</language>",
}
_EPISODE: Children = {
    "enclosure": '<enclosure url="https://example.com/1.mp3" length="12345" type="audio/mpeg"/>',
}


def podcast(
    channel: Children | None = None, item: Children | None = None, *, prolog: str = PROLOG
) -> Example:
    """An RSS 2.0 podcast with the iTunes elements Apple asks for and one episode."""
    return rss({**_PODCAST, **(channel or {})}, {**_EPISODE, **(item or {})}, prolog=prolog)


def after_items(example: Example, markup: str) -> Example:
    """An RSS example with `markup` in the channel after its items."""
    document = example.document.replace("  </channel>", f"    {markup}\n  </channel>")
    return Example(document, example.saved_as, example.served_as, example.location)


def _image(changes: Children) -> str:
    defaults = {
        "url": "<url>https://example.com/logo.png</url>",
        "title": "<title>Example News</title>",
        "link": "<link>https://example.com/</link>",
    }
    return "<image>" + "".join(v for v in {**defaults, **changes}.values() if v) + "</image>"


def _text_input(changes: Children) -> str:
    defaults = {
        "title": "<title>Search</title>",
        "description": "<description>Search the site</description>",
        "name": "<name>q</name>",
        "link": "<link>https://example.com/search</link>",
    }
    return "<textInput>" + "".join(v for v in {**defaults, **changes}.values() if v) + "</textInput>"


def _media(markup: str) -> Children:
    return {"media": markup}


_MEDIA_CONTENT = '<media:content url="https://example.com/1.mp4" type="video/mp4"{attributes}/>'
_RESTRICTION = '<media:restriction relationship="{rel}"{type}>{value}</media:restriction>'
_META = '<xhtml:meta xmlns:xhtml="http://www.w3.org/1999/xhtml" name="{name}" content="{content}"/>'
_C1 = "\u0092"

EXAMPLES: dict[str, tuple[Example, Example]] = {
    # ---- XML, encodings and HTTP
    "SAXError": (
        atom(entry={"title": "<title>Fish & Chips</title>"}),
        atom(entry={"title": "<title>Fish &amp; Chips</title>"}),
    ),
    "UndefinedNamedEntity": (
        atom(entry={"title": "<title>Caf&eacute; opens</title>"}),
        atom(entry={"title": "<title>Caf&#233; opens</title>"}),
    ),
    "EntityDeclaration": (
        with_prolog(
            rss(channel={"title": "<title>&site; News</title>"}),
            PROLOG + '<!DOCTYPE rss [<!ENTITY site "Example">]>\n',
        ),
        rss(),
    ),
    "ContainsSystemEntity": (
        with_prolog(
            rss(channel={"title": "<title>&secret;</title>"}),
            PROLOG + '<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>\n',
        ),
        rss(),
    ),
    "UnicodeError": (
        saved(atom(entry={"title": "<title>Café opens</title>"}), "windows-1252"),
        atom(entry={"title": "<title>Café opens</title>"}),
    ),
    "UnknownEncoding": (atom(prolog='<?xml version="1.0" encoding="utf-9"?>\n'), atom()),
    "EncodingMismatch": (
        served(atom(), "application/atom+xml; charset=iso-8859-1"),
        served(atom(), "application/atom+xml; charset=utf-8"),
    ),
    "BadCharacters": (
        atom(entry={"title": f"<title>It{_C1}s here</title>"}),
        atom(entry={"title": "<title>It\u2019s here</title>"}),
    ),
    "UnexpectedContentType": (served(atom(), "text/html"), served(atom(), "application/atom+xml")),
    "NonSpecificMediaType": (served(rss(), "application/xml"), served(rss(), "application/rss+xml")),
    "TextXml": (served(rss(), "text/xml"), served(rss(), "application/rss+xml; charset=utf-8")),
    "JsonFeedNotUtf8": (saved(json_feed({"title": "Café"}), "latin-1"), json_feed({"title": "Café"})),
    # ---- structure, shared by the formats
    "MissingElement": (atom(entry={"id": None}), atom()),
    "MissingTitle": (rss(channel={"title": None}), rss()),
    "MissingLink": (rss(channel={"link": None}), rss()),
    "MissingDescription": (rss(channel={"description": None}), rss()),
    "MissingAttribute": (
        rss(item={"enclosure": '<enclosure url="https://example.com/1.mp3" type="audio/mpeg"/>'}),
        rss(
            item={
                "enclosure": '<enclosure url="https://example.com/1.mp3" length="12345" type="audio/mpeg"/>'
            }
        ),
    ),
    "DuplicateElement": (rss(item={"title2": "<title>Post 1, again</title>"}), rss()),
    "UndefinedElement": (rss(item={"pubDate": "<pubdate>Wed, 01 May 2024 12:00:00 GMT</pubdate>"}), rss()),
    "UnexpectedAttribute": (
        rss(item={"guid": '<guid isPermalink="false">example.com-post-1</guid>'}),
        rss(item={"guid": '<guid isPermaLink="false">example.com-post-1</guid>'}),
    ),
    "UnexpectedText": (atom(entry={"stray": "stray words"}), atom()),
    "NotBlank": (atom(entry={"title": "<title></title>"}), atom()),
    "AttrNotBlank": (
        atom(entry={"related": '<link rel="related" title="" href="https://example.com/more"/>'}),
        atom(entry={"related": '<link rel="related" title="More" href="https://example.com/more"/>'}),
    ),
    "ContainsHTML": (
        rss(item={"title": "<title>&lt;b&gt;Big&lt;/b&gt; news</title>"}),
        rss(item={"title": "<title>Big news</title>"}),
    ),
    "CharacterData": (
        rss(item={"title": "<title>AT&amp;&lt;T</title>"}),
        rss(item={"title": "<title>AT&amp;T</title>"}),
    ),
    "ContainsRelRef": (
        rss(item={"description": '<description>&lt;img src="/pic.png"&gt;</description>'}),
        rss(item={"description": '<description>&lt;img src="https://example.com/pic.png"&gt;</description>'}),
    ),
    "SecurityRisk": (
        rss(item={"description": "<description>Hi&lt;script&gt;steal()&lt;/script&gt;</description>"}),
        rss(item={"description": "<description>&lt;p&gt;Hi&lt;/p&gt;</description>"}),
    ),
    "SecurityRiskAttr": (
        atom(
            entry={
                "content": '<content type="html">&lt;img src="https://example.com/a.png" '
                'onerror="steal()"&gt;</content>'
            }
        ),
        atom(entry={"content": '<content type="html">&lt;img src="https://example.com/a.png"&gt;</content>'}),
    ),
    "DangerousStyleAttr": (
        atom(
            entry={
                "content": '<content type="html">&lt;p style="position: absolute"&gt;Hi&lt;/p&gt;</content>'
            }
        ),
        atom(entry={"content": '<content type="html">&lt;p&gt;Hi&lt;/p&gt;</content>'}),
    ),
    "NotHtml": (
        atom(entry={"summary": '<summary type="html">Tom &lt;3 Jerry</summary>'}),
        atom(entry={"summary": '<summary type="html">Tom &amp;lt;3 Jerry</summary>'}),
    ),
    "NoBlink": (
        rss(channel={"blink": "<blink>https://example.com/cool</blink>"}),
        rss(),
    ),
    "UndeterminableVocabulary": (
        Example(rss1().document.replace(' xmlns="http://purl.org/rss/1.0/"', ""), location=RSS1_URL),
        rss1(),
    ),
    "MissingNamespace": (
        Example(atom().document.replace(' xmlns="http://www.w3.org/2005/Atom"', ""), location=ATOM_URL),
        atom(),
    ),
    # ---- Atom (RFC 4287, RFC 5005) and Atom extensions
    "MissingSelf": (atom(feed={"self": None}), atom()),
    "SelfDoesntMatchLocation": (
        atom(feed={"self": '<link rel="self" href="https://old.example.com/feed.atom"/>'}),
        atom(),
    ),
    "RelativeSelf": (atom(feed={"self": '<link rel="self" href="feed.atom"/>'}), atom()),
    "AtomLinkNotEmpty": (
        atom(entry={"link": '<link href="https://example.com/posts/1">Post 1</link>'}),
        atom(),
    ),
    "MissingHref": (atom(entry={"link": '<link rel="alternate"/>'}), atom()),
    "DuplicateAtomLink": (
        atom(entry={"link2": '<link href="https://example.com/posts/1?copy"/>'}),
        atom(entry={"link2": '<link hreflang="fr" href="https://example.com/fr/posts/1"/>'}),
    ),
    "UnregisteredAtomLinkRel": (
        atom(entry={"short": '<link rel="shorturl" href="https://exa.mp/1"/>'}),
        atom(entry={"short": '<link rel="related" href="https://exa.mp/1"/>'}),
    ),
    "DuplicateIds": (
        atom(entries=[{"id": "<id>https://example.com/posts/1</id>"}] * 3),
        atom(entries=[{}, {}, {}]),
    ),
    "DuplicateEntries": (
        atom(
            entries=[
                {},
                {
                    "id": "<id>https://example.com/posts/1</id>",
                    "updated": "<updated>2024-05-01T12:00:00Z</updated>",
                },
            ]
        ),
        atom(entries=[{}, {}]),
    ),
    "DuplicateUpdated": (
        atom(entries=[{}, {"updated": "<updated>2024-05-01T12:00:00Z</updated>"}]),
        atom(entries=[{}, {}]),
    ),
    "MissingContentOrAlternate": (atom(entry={"link": None}), atom()),
    "MissingTextualContent": (atom(entry={"summary": None}), atom()),
    "MissingSummary": (
        atom(
            entry={"summary": None, "content": '<content src="https://example.com/1.mp3" type="audio/mpeg"/>'}
        ),
        atom(entry={"content": '<content src="https://example.com/1.mp3" type="audio/mpeg"/>'}),
    ),
    "MissingTypeAttr": (
        atom(entry={"content": '<content src="https://example.com/1.mp3"/>'}),
        atom(entry={"content": '<content src="https://example.com/1.mp3" type="audio/mpeg"/>'}),
    ),
    "MissingXhtmlDiv": (
        atom(
            entry={
                "summary": '<summary type="xhtml"><p xmlns="http://www.w3.org/1999/xhtml">Hi</p></summary>'
            }
        ),
        atom(
            entry={
                "summary": '<summary type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">'
                "<p>Hi</p></div></summary>"
            }
        ),
    ),
    "NotInline": (
        atom(entry={"content": '<content type="xhtml">&lt;p&gt;Hi&lt;/p&gt;</content>'}),
        atom(entry={"content": '<content type="html">&lt;p&gt;Hi&lt;/p&gt;</content>'}),
    ),
    "NotEscaped": (
        atom(
            entry={
                "content": '<content type="text/html"><p xmlns="http://www.w3.org/1999/xhtml">Hi</p></content>'
            }
        ),
        atom(entry={"content": '<content type="text/html">&lt;p&gt;Hi&lt;/p&gt;</content>'}),
    ),
    "HtmlFragment": (
        atom(entry={"content": '<content type="text/html">Some &lt;b&gt;bold&lt;/b&gt; words</content>'}),
        atom(entry={"content": '<content type="html">Some &lt;b&gt;bold&lt;/b&gt; words</content>'}),
    ),
    "NotBase64": (
        atom(entry={"content": '<content type="image/png">not base64!</content>'}),
        atom(entry={"content": '<content type="image/png">iVBORw0KGgo=</content>'}),
    ),
    "ContainsUndeclaredHTML": (
        atom(entry={"title": "<title>&lt;b&gt;Big&lt;/b&gt; news</title>"}),
        atom(entry={"title": '<title type="html">&lt;b&gt;Big&lt;/b&gt; news</title>'}),
    ),
    "InvalidTextType": (
        atom(entry={"title": '<title type="text/plain">Post 1</title>'}),
        atom(entry={"title": '<title type="text">Post 1</title>'}),
    ),
    "InvalidMIMEType": (
        atom(
            entry={
                "content": '<content type="audio" src="https://example.com/1.mp3"/>',
                "summary": None,
                "s": "<summary>An episode.</summary>",
            }
        ),
        atom(
            entry={
                "content": '<content type="audio/mpeg" src="https://example.com/1.mp3"/>',
                "summary": None,
                "s": "<summary>An episode.</summary>",
            }
        ),
    ),
    "AvoidNamespacePrefix": (
        Example(
            atom()
            .document.replace("<", "<a:")
            .replace("<a:/", "</a:")
            .replace("<a:?", "<?")
            .replace('xmlns="', 'xmlns:a="'),
            location=ATOM_URL,
        ),
        atom(),
    ),
    "InvalidNamespace": (
        Example(atom().document.replace("2005/Atom", "2005/atom"), location=ATOM_URL),
        atom(),
    ),
    "ObsoleteNamespace": (
        Example(
            atom()
            .document.replace("http://www.w3.org/2005/Atom", "http://purl.org/atom/ns#")
            .replace("<feed ", '<feed version="0.3" '),
            location=ATOM_URL,
        ),
        atom(),
    ),
    "UnexpectedWhitespace": (atom(entry={"id": "<id>\n  https://example.com/posts/1\n</id>"}), atom()),
    "InvalidRFC3339Date": (atom(entry={"updated": "<updated>2024-05-01 12:00</updated>"}), atom()),
    "MissingSourceElement": (
        atom(entry={"source": '<source><link rel="self" href="https://example.org/feed.atom"/></source>'}),
        atom(
            entry={
                "source": "<source><id>https://example.org/</id><title>Elsewhere</title>"
                "<updated>2024-04-01T00:00:00Z</updated></source>"
            }
        ),
    ),
    "FeedHistoryRelInEntry": (
        atom(entry={"next": '<link rel="next" href="https://example.com/page2.atom"/>'}),
        atom(feed={"next": '<link rel="next" href="https://example.com/page2.atom"/>'}),
    ),
    "FeedRelInCompleteFeed": (
        atom(
            feed={"fh": "<fh:complete/>", "next": '<link rel="next" href="https://example.com/page2.atom"/>'}
        ),
        atom(feed={"fh": "<fh:complete/>"}),
    ),
    "CurrentNotSelfInCompleteFeed": (
        atom(
            feed={
                "fh": "<fh:complete/>",
                "current": '<link rel="current" href="https://example.com/other.atom"/>',
            }
        ),
        atom(feed={"fh": "<fh:complete/>", "current": f'<link rel="current" href="{ATOM_URL}"/>'}),
    ),
    "MissingCurrentInArchive": (
        atom(
            feed={
                "fh": "<fh:archive/>",
                "prev": '<link rel="prev-archive" href="https://example.com/2023.atom"/>',
            }
        ),
        atom(
            feed={
                "fh": "<fh:archive/>",
                "prev": '<link rel="prev-archive" href="https://example.com/2023.atom"/>',
                "current": f'<link rel="current" href="{ATOM_URL}"/>',
            }
        ),
    ),
    "ArchiveIncomplete": (
        atom(
            feed={
                "fh": "<fh:archive/>",
                "current": '<link rel="current" href="https://example.com/feed.atom"/>',
            }
        ),
        atom(
            feed={
                "fh": "<fh:archive/>",
                "current": '<link rel="current" href="https://example.com/feed.atom"/>',
                "prev": '<link rel="prev-archive" href="https://example.com/2023.atom"/>',
            }
        ),
    ),
    "LinkPastEnd": (
        atom(
            feed={
                "last": f'<link rel="last" href="{ATOM_URL}"/>',
                "next": '<link rel="next" href="https://example.com/page2.atom"/>',
            }
        ),
        atom(feed={"last": f'<link rel="last" href="{ATOM_URL}"/>'}),
    ),
    "InvalidMetaName": (
        atom(entry={"meta": _META.format(name="author", content="Ann")}),
        atom(entry={"meta": _META.format(name="robots", content="noindex")}),
    ),
    "InvalidMetaContent": (
        atom(entry={"meta": _META.format(name="robots", content="index,noindex")}),
        atom(entry={"meta": _META.format(name="robots", content="noindex,follow")}),
    ),
    "QuestionableUsage": (app_service("      <atom:id>urn:x:posts</atom:id>\n"), app_service()),
    "UndefinedParam": (
        app_service("      <accept>image/png;q=0.5</accept>\n"),
        app_service("      <accept>image/png</accept>\n"),
    ),
    "ConflictingCatAttr": (
        app_service('      <categories href="https://example.com/cats" fixed="yes"/>\n'),
        app_service('      <categories href="https://example.com/cats"/>\n'),
    ),
    "ConflictingCatChildren": (
        app_service(
            '      <categories href="https://example.com/cats"><atom:category term="a"/></categories>\n'
        ),
        app_service('      <categories fixed="yes"><atom:category term="a"/></categories>\n'),
    ),
    "InvalidYesNo": (
        app_service('      <categories fixed="maybe"><atom:category term="a"/></categories>\n'),
        app_service('      <categories fixed="yes"><atom:category term="a"/></categories>\n'),
    ),
    "NoThrWhen": (
        atom(
            entry={
                "replies": '<link rel="replies" href="https://example.com/posts/1/comments" '
                'thr:when="2024-05-01T12:00:00Z"/>'
            }
        ),
        atom(
            entry={
                "replies": '<link rel="replies" href="https://example.com/posts/1/comments" '
                'thr:updated="2024-05-01T12:00:00Z"/>'
            }
        ),
    ),
    "MissingByAndWhenAttrs": (
        atom(entry={"sx": _SYNC.format(history='<sx:history sequence="1"/>')}),
        atom(entry={"sx": _SYNC.format(history=_HISTORY)}),
    ),
    "MissingRecommendedAttribute": (
        atom(entry={"sx": _SYNC.format(history='<sx:history sequence="1" by="ann"/>')}),
        atom(entry={"sx": _SYNC.format(history=_HISTORY)}),
    ),
    "InvalidNSS": (
        atom(entry={"sx": _SYNC.format(history=_HISTORY.replace('by="ann"', 'by="Ann Lee"'))}),
        atom(entry={"sx": _SYNC.format(history=_HISTORY.replace('by="ann"', 'by="ann.lee"'))}),
    ),
    "InvalidPositiveInteger": (
        atom(entry={"sx": _SYNC.replace('updates="1"', 'updates="0"').format(history=_HISTORY)}),
        atom(entry={"sx": _SYNC.format(history=_HISTORY)}),
    ),
    "IntegerOverflow": (
        atom(entry={"sx": _SYNC.replace('updates="1"', 'updates="2147483648"').format(history=_HISTORY)}),
        atom(entry={"sx": _SYNC.replace('updates="1"', 'updates="2147483647"').format(history=_HISTORY)}),
    ),
    "InvalidTrueFalse": (
        atom(
            entry={"sx": _SYNC.replace('updates="1"', 'updates="1" deleted="TRUE"').format(history=_HISTORY)}
        ),
        atom(
            entry={"sx": _SYNC.replace('updates="1"', 'updates="1" deleted="true"').format(history=_HISTORY)}
        ),
    ),
    "DuplicateValue": (
        atom(entries=[{"sx": _SYNC.format(history=_HISTORY)}, {"sx": _SYNC.format(history=_HISTORY)}]),
        atom(
            entries=[
                {"sx": _SYNC.format(history=_HISTORY)},
                {"sx": _SYNC.replace("post-1", "post-2").format(history=_HISTORY)},
            ]
        ),
    ),
    "SinceAfterUntil": (
        atom(feed={"sx": '<sx:sharing since="2024-05-02T00:00:00Z" until="2024-05-01T00:00:00Z"/>'}),
        atom(feed={"sx": '<sx:sharing since="2024-05-01T00:00:00Z" until="2024-05-02T00:00:00Z"/>'}),
    ),
    "InvalidSseType": (
        atom(
            feed={
                "sx": '<sx:sharing><sx:related link="https://example.com/all" type="Complete"/></sx:sharing>'
            }
        ),
        atom(
            feed={
                "sx": '<sx:sharing><sx:related link="https://example.com/all" type="complete"/></sx:sharing>'
            }
        ),
    ),
    "InvalidUUID": (atom(entry={"id": "<id>urn:uuid:1234</id>"}), atom(entry={"id": f"<id>{_UUID}</id>"})),
    "NonCanonicalURI": (atom(entry={"id": "<id>HTTP://Example.com:80/posts/1</id>"}), atom()),
    "InvalidFullLink": (atom(entry={"id": "<id>/posts/1</id>"}), atom()),
    "InvalidTAG": (
        atom(entry={"id": "<id>tag:example.com:1</id>"}),
        atom(entry={"id": "<id>tag:example.com,2024:1</id>"}),
    ),
    "InvalidURN": (atom(entry={"id": "<id>urn:uuid</id>"}), atom(entry={"id": f"<id>{_UUID}</id>"})),
    "InvalidIRI": (
        atom(entry={"link": '<link href="https:///posts/1"/>'}),
        atom(),
    ),
    "InvalidLanguage": (atom(root=' xml:lang="English"'), atom(root=' xml:lang="en"')),
    "InvalidAddrSpec": (
        atom(feed={"author": "<author><name>Ann Lee</name><email>ann at example.com</email></author>"}),
        atom(feed={"author": "<author><name>Ann Lee</name><email>ann@example.com</email></author>"}),
    ),
    # ---- RSS 2.0 and 0.9x
    "InvalidRSSVersion": (
        rss(root=' version="3.0"'),
        rss(),
    ),
    "InvalidDoctype": (
        with_prolog(
            rss(),
            PROLOG + '<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
            '"http://www.rssboard.org/rss-0.91.dtd">\n',
        ),
        rss(),
    ),
    "DeprecatedDTD": (
        with_prolog(
            rss(root=' version="0.91"', item={"guid": None, "pubDate": None}),
            PROLOG + '<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
            '"http://my.netscape.com/publish/formats/rss-0.91.dtd">\n',
        ),
        rss(root=' version="0.91"', item={"guid": None, "pubDate": None}),
    ),
    "MissingAtomSelfLink": (rss(channel={"self": None}), rss()),
    "ItemMustContainTitleOrDescription": (rss(item={"title": None, "description": None}), rss()),
    "MissingGuid": (rss(item={"guid": None}), rss()),
    "InvalidHttpGUID": (rss(item={"guid": "<guid>posts/1</guid>"}), rss()),
    "InvalidPermalink": (
        rss(item={"guid": f"<guid>{_UUID}</guid>"}),
        rss(item={"guid": f'<guid isPermaLink="false">{_UUID}</guid>'}),
    ),
    "NotSufficientlyUnique": (
        rss(item={"guid": '<guid isPermaLink="false">42</guid>'}),
        rss(item={"guid": '<guid isPermaLink="false">example.com-post-42</guid>'}),
    ),
    "InvalidBooleanAttribute": (
        rss(item={"guid": '<guid isPermaLink="no">example.com-post-1</guid>'}),
        rss(item={"guid": '<guid isPermaLink="false">example.com-post-1</guid>'}),
    ),
    "DuplicateEnclosure": (
        rss(
            item={
                "e1": '<enclosure url="https://example.com/1.mp3" length="1" type="audio/mpeg"/>',
                "e2": '<enclosure url="https://example.com/1.ogg" length="1" type="audio/ogg"/>',
            }
        ),
        rss(item={"e1": '<enclosure url="https://example.com/1.mp3" length="1" type="audio/mpeg"/>'}),
    ),
    "UseZeroForUnknown": (
        rss(item={"e": '<enclosure url="https://example.com/1.mp3" length="-1" type="audio/mpeg"/>'}),
        rss(item={"e": '<enclosure url="https://example.com/1.mp3" length="0" type="audio/mpeg"/>'}),
    ),
    "InvalidIntegerAttribute": (
        rss(item={"e": '<enclosure url="https://example.com/1.mp3" length="1.5MB" type="audio/mpeg"/>'}),
        rss(item={"e": '<enclosure url="https://example.com/1.mp3" length="1572864" type="audio/mpeg"/>'}),
    ),
    "InvalidMIMEAttribute": (
        rss(item={"e": '<enclosure url="https://example.com/1.mp3" length="1" type="mp3"/>'}),
        rss(item={"e": '<enclosure url="https://example.com/1.mp3" length="1" type="audio/mpeg"/>'}),
    ),
    "InvalidURLAttribute": (
        rss(item={"e": '<enclosure url="1.mp3" length="1" type="audio/mpeg"/>'}),
        rss(item={"e": '<enclosure url="https://example.com/1.mp3" length="1" type="audio/mpeg"/>'}),
    ),
    "InvalidURIAttribute": (
        rss(item={"e": '<enclosure url="1.mp3" length="1" type="audio/mpeg"/>'}),
        rss(item={"e": '<enclosure url="https://example.com/1.mp3" length="1" type="audio/mpeg"/>'}),
    ),
    "InvalidRFC2822Date": (rss(item={"pubDate": "<pubDate>2024-05-01T12:00:00Z</pubDate>"}), rss()),
    "ProblematicalRFC822Date": (
        rss(item={"pubDate": "<pubDate>Wed, 01 May 24 12:00:00 GMT</pubDate>"}),
        rss(),
    ),
    "IncorrectDOW": (rss(item={"pubDate": "<pubDate>Mon, 01 May 2024 12:00:00 GMT</pubDate>"}), rss()),
    "ImplausibleDate": (
        rss(item={"pubDate": "<pubDate>Mon, 01 Jan 2300 00:00:00 GMT</pubDate>"}),
        rss(),
    ),
    "InvalidContact": (
        rss(item={"author": "<author>Ann Lee</author>"}),
        rss(item={"author": "<author>ann@example.com (Ann Lee)</author>"}),
    ),
    "EmailFormat": (
        rss(item={"author": "<author>Ann Lee, ann@example.com</author>"}),
        rss(item={"author": "<author>ann@example.com (Ann Lee)</author>"}),
    ),
    "MissingRealName": (
        rss(item={"author": "<author>ann@example.com</author>"}),
        rss(item={"author": "<author>ann@example.com (Ann Lee)</author>"}),
    ),
    "InvalidLink": (
        rss(item={"link": "<link>https:///posts/1</link>"}),
        rss(),
    ),
    "InvalidUriChar": (
        rss(item={"comments": "<comments>https://example.com/my post</comments>"}),
        rss(item={"comments": "<comments>https://example.com/my%20post</comments>"}),
    ),
    "UriNotIri": (
        rss(item={"link": "<link>https://example.com/café</link>"}),
        rss(item={"link": "<link>https://example.com/caf%C3%A9</link>"}),
    ),
    "SchemeNotIANARegistered": (
        rss(channel={"docs": "<docs>htp://example.com/</docs>"}),
        rss(channel={"docs": "<docs>https://example.com/</docs>"}),
    ),
    "InvalidInteger": (
        rss(item={"geo": "<georss:point>45.2 -110.4</georss:point><georss:floor>2nd</georss:floor>"}),
        rss(item={"geo": "<georss:point>45.2 -110.4</georss:point><georss:floor>2</georss:floor>"}),
    ),
    "InvalidWidth": (
        rss(channel={"image": _image({"width": "<width>300</width>"})}),
        rss(channel={"image": _image({"width": "<width>88</width>"})}),
    ),
    "InvalidHeight": (
        rss(channel={"image": _image({"height": "<height>600</height>"})}),
        rss(channel={"image": _image({"height": "<height>31</height>"})}),
    ),
    "ImageUrlFormat": (
        rss(channel={"image": _image({"url": "<url>https://example.com/logo.tiff</url>"})}),
        rss(channel={"image": _image({})}),
    ),
    "ImageTitleDoesntMatch": (
        rss(channel={"image": _image({"title": "<title>Logo</title>"})}),
        rss(channel={"image": _image({})}),
    ),
    "ImageLinkDoesntMatch": (
        rss(channel={"image": _image({"link": "<link>https://example.org/</link>"})}),
        rss(channel={"image": _image({})}),
    ),
    "AvoidTextInput": (rss(channel={"textInput": _text_input({})}), rss()),
    "InvalidFormComponentName": (
        rss(channel={"textInput": _text_input({"name": "<name>1 q</name>"})}),
        rss(channel={"textInput": _text_input({})}),
    ),
    "InvalidHour": (
        rss(channel={"skip": "<skipHours><hour>25</hour></skipHours>"}),
        rss(channel={"skip": "<skipHours><hour>1</hour></skipHours>"}),
    ),
    "UseZeroForMidnight": (
        rss(channel={"skip": "<skipHours><hour>24</hour></skipHours>"}),
        rss(channel={"skip": "<skipHours><hour>0</hour></skipHours>"}),
    ),
    "InvalidDay": (
        rss(channel={"skip": "<skipDays><day>sunday</day></skipDays>"}),
        rss(channel={"skip": "<skipDays><day>Sunday</day></skipDays>"}),
    ),
    "MisplacedItem": (
        after_items(rss(), "<category>News</category>"),
        rss(channel={"c": "<category>News</category>"}),
    ),
    "DuplicateSemantics": (
        rss(channel={"language": "<language>en</language>", "dc": "<dc:language>en</dc:language>"}),
        rss(channel={"language": "<language>en</language>"}),
    ),
    "DuplicateItemSemantics": (rss(item={"dc": "<dc:date>2024-05-01T12:00:00Z</dc:date>"}), rss()),
    "DuplicateDescriptionSemantics": (
        rss(item={"atom": "<atom:content>What post 1 is about.</atom:content>"}),
        rss(),
    ),
    "NeedDescriptionBeforeContent": (
        rss(
            item={
                "description": None,
                "content": "<content:encoded>&lt;p&gt;Hi&lt;/p&gt;</content:encoded>",
                "d": "<description>What post 1 is about.</description>",
            }
        ),
        rss(item={"content": "<content:encoded>&lt;p&gt;Hi&lt;/p&gt;</content:encoded>"}),
    ),
    "SlashDate": (
        rss(item={"slash": "<slash:comments>3</slash:comments>"}),
        rss(
            channel={"lastBuildDate": "<lastBuildDate>Wed, 01 May 2024 12:00:00 GMT</lastBuildDate>"},
            item={"slash": "<slash:comments>3</slash:comments>"},
        ),
    ),
    # ---- extensions in RSS and Atom
    "InvalidW3CDTFDate": (
        rss(item={"pubDate": None, "dc": "<dc:date>May 1, 2024</dc:date>"}),
        rss(item={"pubDate": None, "dc": "<dc:date>2024-05-01T12:00:00Z</dc:date>"}),
    ),
    "InvalidISO8601DateTime": (
        rss(item={"ev": "<ev:startdate>next Tuesday</ev:startdate>"}),
        rss(item={"ev": "<ev:startdate>2024-05-07T19:00:00Z</ev:startdate>"}),
    ),
    "InvalidUpdatePeriod": (
        rss(channel={"sy": "<sy:updatePeriod>fortnightly</sy:updatePeriod>"}),
        rss(channel={"sy": "<sy:updatePeriod>weekly</sy:updatePeriod>"}),
    ),
    "InvalidNonNegativeInteger": (
        rss(item={"slash": "<slash:comments>-1</slash:comments>"}),
        rss(item={"slash": "<slash:comments>0</slash:comments>"}),
    ),
    "InvalidCommaSeparatedIntegers": (
        rss(item={"slash": "<slash:hit_parade>a,b</slash:hit_parade>"}),
        rss(item={"slash": "<slash:hit_parade>12,10,1</slash:hit_parade>"}),
    ),
    "InvalidLatitude": (
        rss(item={"geo": "<geo:lat>91.5</geo:lat><geo:long>2.35</geo:long>"}),
        rss(item={"geo": "<geo:lat>48.85</geo:lat><geo:long>2.35</geo:long>"}),
    ),
    "InvalidLongitude": (
        rss(item={"geo": "<geo:lat>48.85</geo:lat><geo:long>-188.2</geo:long>"}),
        rss(item={"geo": "<geo:lat>48.85</geo:lat><geo:long>2.35</geo:long>"}),
    ),
    "InvalidCoord": (
        rss(item={"geo": "<georss:point>45.256, -110.45</georss:point>"}),
        rss(item={"geo": "<georss:point>45.256 -110.45</georss:point>"}),
    ),
    "InvalidCoordList": (
        rss(item={"geo": "<georss:line>45.256 -110.45 46.46</georss:line>"}),
        rss(item={"geo": "<georss:line>45.256 -110.45 46.46 -109.48</georss:line>"}),
    ),
    "CommentRSS": (
        rss(item={"wfw": "<wfw:commentRSS>https://example.com/posts/1/comments.rss</wfw:commentRSS>"}),
        rss(item={"wfw": "<wfw:commentRss>https://example.com/posts/1/comments.rss</wfw:commentRss>"}),
    ),
    "InvalidAccessRestrictionRel": (
        Example(
            rss()
            .document.replace("<channel>", '<access:restriction relationship="Noncommercial"/>\n  <channel>')
            .replace("<rss ", f'<rss xmlns:access="{PREFIXES["access"]}" '),
            location=RSS_URL,
        ),
        Example(
            rss()
            .document.replace("<channel>", '<access:restriction relationship="deny"/>\n  <channel>')
            .replace("<rss ", f'<rss xmlns:access="{PREFIXES["access"]}" '),
            location=RSS_URL,
        ),
    ),
    "ReservedPrefix": (
        Example(
            rss()
            .document.replace("<rss ", '<rss xmlns:dc="https://example.com/my-ns" ')
            .replace("<title>Post 1", "<dc:note>Mine</dc:note><title>Post 1"),
            location=RSS_URL,
        ),
        Example(
            rss()
            .document.replace("<rss ", '<rss xmlns:my="https://example.com/my-ns" ')
            .replace("<title>Post 1", "<my:note>Mine</my:note><title>Post 1"),
            location=RSS_URL,
        ),
    ),
    "MediaRssNamespace": (
        Example(
            rss(item={"m": "<media:title>Cats</media:title>"}).document.replace(
                "http://search.yahoo.com/mrss/", "http://search.yahoo.com/mrss"
            ),
            location=RSS_URL,
        ),
        rss(item={"m": "<media:title>Cats</media:title>"}),
    ),
    "ObsoleteWikiNamespace": (
        Example(
            rss()
            .document.replace("<rss ", '<rss xmlns:wiki="http://www.usemod.com/cgi-bin/mb.pl?ModWiki" ')
            .replace("<title>Post 1", "<wiki:version>2</wiki:version><title>Post 1"),
            location=RSS_URL,
        ),
        Example(
            rss()
            .document.replace("<rss ", '<rss xmlns:wiki="http://purl.org/rss/1.0/modules/wiki/" ')
            .replace("<title>Post 1", "<wiki:version>2</wiki:version><title>Post 1"),
            location=RSS_URL,
        ),
    ),
    "UnknownNamespace": (
        Example(
            rss()
            .document.replace("<rss ", '<rss xmlns:x="https://example.com/unknown-ns" ')
            .replace("<title>Post 1", "<x:note>Mine</x:note><title>Post 1"),
            location=RSS_URL,
        ),
        rss(),
    ),
    # Media RSS
    "InvalidMediaExpression": (
        rss(item=_media(_MEDIA_CONTENT.format(attributes=' expression="partial"'))),
        rss(item=_media(_MEDIA_CONTENT.format(attributes=' expression="sample"'))),
    ),
    "InvalidMediaMedium": (
        rss(item=_media(_MEDIA_CONTENT.format(attributes=' medium="film"'))),
        rss(item=_media(_MEDIA_CONTENT.format(attributes=' medium="video"'))),
    ),
    "InvalidFloat": (
        rss(item=_media(_MEDIA_CONTENT.format(attributes=' bitrate="fast"'))),
        rss(item=_media(_MEDIA_CONTENT.format(attributes=' bitrate="128"'))),
    ),
    "InvalidMediaHash": (
        rss(item=_media('<media:hash algo="md5">abc123</media:hash>')),
        rss(item=_media('<media:hash algo="md5">dfdec888b72151965a34b4b59031290a</media:hash>')),
    ),
    "InvalidMediaRating": (
        rss(item=_media('<media:rating scheme="urn:v-chip">pg-13</media:rating>')),
        rss(item=_media('<media:rating scheme="urn:mpaa">pg-13</media:rating>')),
    ),
    "InvalidMediaRestriction": (
        rss(item=_media(_RESTRICTION.format(rel="allow", type="", value="bogus"))),
        rss(item=_media(_RESTRICTION.format(rel="allow", type="", value="all"))),
    ),
    "InvalidMediaRestrictionRel": (
        rss(item=_media(_RESTRICTION.format(rel="maybe", type="", value="all"))),
        rss(item=_media(_RESTRICTION.format(rel="deny", type="", value="all"))),
    ),
    "InvalidMediaRestrictionType": (
        rss(item=_media(_RESTRICTION.format(rel="allow", type=' type="planet"', value="earth"))),
        rss(item=_media(_RESTRICTION.format(rel="allow", type=' type="country"', value="fr"))),
    ),
    "InvalidCountryCode": (
        rss(item=_media(_RESTRICTION.format(rel="allow", type=' type="country"', value="XX"))),
        rss(item=_media(_RESTRICTION.format(rel="allow", type=' type="country"', value="fr us"))),
    ),
    "InvalidMediaTextType": (
        rss(item=_media('<media:title type="text/html">Cats</media:title>')),
        rss(item=_media('<media:title type="plain">Cats</media:title>')),
    ),
    "InvalidCreditRole": (
        rss(item=_media('<media:credit role="Diva">Ann</media:credit>')),
        rss(item=_media('<media:credit role="singer">Ann</media:credit>')),
    ),
    "InvalidNPTTime": (
        rss(item=_media('<media:thumbnail url="https://example.com/1.jpg" time="+17sec"/>')),
        rss(item=_media('<media:thumbnail url="https://example.com/1.jpg" time="0:00:17"/>')),
    ),
    "MediaGroupWithoutAlternatives": (
        rss(item=_media(f"<media:group>{_MEDIA_CONTENT.format(attributes='')}</media:group>")),
        rss(
            item=_media(
                "<media:group>"
                + _MEDIA_CONTENT.format(attributes="")
                + _MEDIA_CONTENT.format(attributes="").replace("1.mp4", "1.webm").replace("mp4", "webm")
                + "</media:group>"
            )
        ),
    ),
    # iTunes
    "InvalidItunesCategory": (
        podcast({"itunes:category": '<itunes:category text="Everything"/>'}),
        podcast(),
    ),
    "ObsoleteItunesCategory": (podcast({"itunes:category": '<itunes:category text="Travel"/>'}), podcast()),
    "InvalidItunesChannelType": (
        podcast({"type": "<itunes:type>daily</itunes:type>"}),
        podcast({"type": "<itunes:type>episodic</itunes:type>"}),
    ),
    "InvalidItunesEpisodeType": (
        podcast(item={"t": "<itunes:episodeType>special</itunes:episodeType>"}),
        podcast(item={"t": "<itunes:episodeType>bonus</itunes:episodeType>"}),
    ),
    "InvalidDuration": (
        podcast(item={"d": "<itunes:duration>an hour</itunes:duration>"}),
        podcast(item={"d": "<itunes:duration>1:00:00</itunes:duration>"}),
    ),
    "InvalidKeywords": (
        podcast(item={"k": "<itunes:keywords>salt pepper</itunes:keywords>"}),
        podcast(item={"k": "<itunes:keywords>salt, pepper</itunes:keywords>"}),
    ),
    "InvalidYesNoClean": (
        podcast(item={"b": "<itunes:block>Absolutely</itunes:block>"}),
        podcast(item={"b": "<itunes:block>yes</itunes:block>"}),
    ),
    "MissingItunesElement": (podcast({"itunes:category": None}), podcast()),
    "MissingItunesEmail": (
        podcast({"itunes:owner": None}),
        podcast(),
    ),
    "NotUTF8": (
        saved(podcast(prolog='<?xml version="1.0" encoding="iso-8859-1"?>\n'), "iso-8859-1"),
        podcast(),
    ),
    "TooLong": (
        podcast(item={"s": f"<itunes:summary>{'Long. ' * 700}</itunes:summary>"}),
        podcast(item={"s": "<itunes:summary>Short.</itunes:summary>"}),
    ),
    # ---- RSS 1.0 and 1.1
    "InvalidRDF": (
        rss1(item={"dc": "<dc:creator>Joe <rdf:Description>Doe</rdf:Description></dc:creator>"}),
        rss1(item={"dc": "<dc:creator>Joe Doe</dc:creator>"}),
    ),
    # ---- JSON Feed
    "JsonFeedSyntax": (
        Example(json_feed().document.replace('"Example News",', '"Example News",,'), location=JSON_URL),
        json_feed(),
    ),
    "JsonFeedMissingMember": (json_feed({"title": REMOVE}), json_feed()),
    "JsonFeedUnknownVersion": (json_feed({"version": "1.1"}), json_feed()),
    "JsonFeedInvalidType": (json_feed(item={"title": 42}), json_feed(item={"title": "42"})),
    "JsonFeedInvalidUrl": (json_feed(item={"url": "https://example.com/a b"}), json_feed()),
    "JsonFeedRelativeUrl": (json_feed(item={"url": "/posts/1"}), json_feed()),
    "JsonFeedInvalidDate": (
        json_feed(item={"date_published": "31/01/2024"}),
        json_feed(item={"date_published": "2024-01-31T09:30:00Z"}),
    ),
    "JsonFeedMissingContent": (json_feed(item={"content_text": REMOVE}), json_feed()),
    "JsonFeedDuplicateId": (
        json_feed({"items": [dict(JSON_ITEM), dict(JSON_ITEM)]}),
        json_feed(
            {
                "items": [
                    dict(JSON_ITEM),
                    {**JSON_ITEM, "id": "https://example.com/posts/2", "url": "https://example.com/posts/2"},
                ]
            }
        ),
    ),
    "JsonFeedIdNotString": (json_feed(item={"id": 42}), json_feed(item={"id": "42"})),
    "JsonFeedEmptyAuthor": (json_feed({"authors": [{}]}), json_feed({"authors": [{"name": "Ann Lee"}]})),
    "JsonFeedDeprecatedAuthor": (
        json_feed({"author": {"name": "Ann Lee"}}),
        json_feed({"authors": [{"name": "Ann Lee"}]}),
    ),
    "JsonFeedUnknownMember": (json_feed({"titel": "Example"}), json_feed({"_titel": "Example"})),
    "InvalidValue": (
        rss(
            channel={
                "cloud": '<cloud domain="rpc.example.com" port="80" path="/RPC2" '
                'registerProcedure="ping" protocol="smtp"/>'
            }
        ),
        rss(
            channel={
                "cloud": '<cloud domain="rpc.example.com" port="80" path="/RPC2" '
                'registerProcedure="ping" protocol="xml-rpc"/>'
            }
        ),
    ),
    "UnsupportedNamespace": (
        rss(root=' version="2.0" xmlns:gd="http://schemas.google.com/g/2005"'),
        rss(),
    ),
    "EightDaysAWeek": (
        rss(channel={"skip": "<skipDays>" + "<day>Saturday</day><day>Sunday</day>" * 4 + "</skipDays>"}),
        rss(channel={"skip": "<skipDays><day>Saturday</day><day>Sunday</day></skipDays>"}),
    ),
    "NotEnoughHoursInTheDay": (
        rss(
            channel={
                "skip": "<skipHours>" + "".join(f"<hour>{h % 24}</hour>" for h in range(25)) + "</skipHours>"
            }
        ),
        rss(
            channel={"skip": "<skipHours>" + "".join(f"<hour>{h}</hour>" for h in range(24)) + "</skipHours>"}
        ),
    ),
    "NotInANamespace": (
        rss(item={"x": '<x:rating xmlns:x="https://example.com/ns"><score>4</score></x:rating>'}),
        rss(item={"x": '<x:rating xmlns:x="https://example.com/ns"><x:score>4</x:score></x:rating>'}),
    ),
    "UseOfExtensionAttr": (
        rss(item={"title": '<title x:mood="glad" xmlns:x="https://example.com/ns">Post 1</title>'}),
        rss(item={"x": '<x:mood xmlns:x="https://example.com/ns">glad</x:mood>'}),
    ),
    "UnknownHost": (
        rss(channel={"editor": "<managingEditor>ann@newsroom (Ann Lee)</managingEditor>"}),
        rss(channel={"editor": "<managingEditor>ann@newsroom.example.com (Ann Lee)</managingEditor>"}),
    ),
    "MisplacedXHTMLContent": (
        atom(entry={"xhtml": '<div xmlns="http://www.w3.org/1999/xhtml"><p>Hi</p></div>'}),
        atom(
            entry={
                "content": '<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Hi</p></div></content>'
            }
        ),
    ),
    "InvalidFloatUnit": (
        rss(item={"geo": "<geo:lat>55.7</geo:lat><geo:long>12.5</geo:long><geo:alt>52 m</geo:alt>"}),
        rss(item={"geo": "<geo:lat>55.7</geo:lat><geo:long>12.5</geo:long><geo:alt>52</geo:alt>"}),
    ),
    "CoordComma": (
        rss(item={"geo": "<georss:point>45.256,-71.92</georss:point>"}),
        rss(item={"geo": "<georss:point>45.256 -71.92</georss:point>"}),
    ),
    "UnsupportedItunesFormat": (
        podcast(
            item={
                "enclosure": '<enclosure url="https://example.com/1.ogg" length="12345" type="audio/ogg"/>',
                "itunes:duration": "<itunes:duration>12:00</itunes:duration>",
            }
        ),
        podcast(item={"itunes:duration": "<itunes:duration>12:00</itunes:duration>"}),
    ),
    "DeprecatedMediaAdult": (
        rss(item={"m": "<media:adult>false</media:adult>"}),
        rss(item={"m": "<media:rating>nonadult</media:rating>"}),
    ),
    "InvalidISO8601Date": (
        rss(item={"pubDate": None, "dc": "<dc:date>May 1, 2024</dc:date>"}),
        rss(item={"pubDate": None, "dc": "<dc:date>2024-05-01T12:00:00Z</dc:date>"}),
    ),
    "WPBlankLine": (
        with_prolog(
            rss(channel={"generator": "<generator>https://wordpress.org/?v=6.5</generator>"}), "\n" + PROLOG
        ),
        rss(channel={"generator": "<generator>https://wordpress.org/?v=6.5</generator>"}),
    ),
    "BadXmlVersion": (
        atom(prolog='<?xml version="1.1" encoding="utf-8"?>\n'),
        atom(),
    ),
    "ObscureEncoding": (
        saved(
            rss(
                prolog='<?xml version="1.0" encoding="mac-cyrillic"?>\n',
                item={"title": "<title>Привет</title>"},
            ),
            "mac-cyrillic",
        ),
        rss(item={"title": "<title>Привет</title>"}),
    ),
    "NonstdEncoding": (
        saved(
            rss(
                prolog='<?xml version="1.0" encoding="iso-8859-1"?>\n', item={"title": "<title>Café</title>"}
            ),
            "iso-8859-1",
        ),
        rss(item={"title": "<title>Café</title>"}),
    ),
    "MisplacedMetadata": (
        Example(
            atom().document.replace("</feed>", "  <rights>© 2024 Example</rights>\n</feed>"),
            location=ATOM_URL,
        ),
        atom(feed={"rights": "<rights>© 2024 Example</rights>"}),
    ),
    "ContainsEmail": (
        atom(feed={"author": "<author><name>Ann Lee ann@example.com</name></author>"}),
        atom(feed={"author": "<author><name>Ann Lee</name><email>ann@example.com</email></author>"}),
    ),
    "SelfNotAtom": (
        atom(feed={"self": f'<link rel="self" type="text/html" href="{ATOM_URL}"/>'}),
        atom(feed={"self": f'<link rel="self" type="application/atom+xml" href="{ATOM_URL}"/>'}),
    ),
    "SameDocumentReference": (
        atom(entry={"link": '<link href="." xml:base="https://example.com/posts/1/"/>'}),
        atom(entry={"link": '<link href="1/" xml:base="https://example.com/posts/"/>'}),
    ),
    "MissingEncoding": (
        atom(prolog='<?xml version="1.0"?>\n'),
        atom(),
    ),
}
