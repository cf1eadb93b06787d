"""iTunes (Apple Podcasts) extension rules: element values, categories, and what a podcast
channel needs (category, explicit, language, owner e-mail)."""

from __future__ import annotations

from feedtool.validate import rss_codes, values
from feedtool.validate.engine import Context, Element, name_of, rule
from feedtool.validate.namespaces import ITUNES, XML_LANG, canonical_tag, split, tag
from feedtool.validate.rules.extensions import (
    CHANNELS,
    CHANNELS_AND_ITEMS,
    EXTERNAL_SPECS,
    ITEMS,
    NEWER_THAN_W3C,
    Spec,
)
from feedtool.validate.rules.rss import (
    ValueCheck,
    check_plain_text,
    check_rfc822,
    no_check,
    text_of,
    value_check,
)
from feedtool.validate.values import words

rss_codes.ensure_defined()

# Apple Podcasts categories and their subcategories.
CATEGORIES: dict[str, frozenset[str]] = {
    "Arts": frozenset({"Books", "Design", "Fashion & Beauty", "Food", "Performing Arts",
                       "Visual Arts"}),
    "Business": frozenset({"Careers", "Entrepreneurship", "Investing", "Management",
                           "Marketing", "Non-Profit"}),
    "Comedy": frozenset({"Comedy Interviews", "Improv", "Stand-Up"}),
    "Education": frozenset({"Courses", "How To", "Language Learning", "Self-Improvement"}),
    "Fiction": frozenset({"Comedy Fiction", "Drama", "Science Fiction"}),
    "Government": frozenset(),
    "History": frozenset(),
    "Health & Fitness": frozenset({"Alternative Health", "Fitness", "Medicine",
                                   "Mental Health", "Nutrition", "Sexuality"}),
    "Kids & Family": frozenset({"Education for Kids", "Parenting", "Pets & Animals",
                                "Stories for Kids"}),
    "Leisure": frozenset({"Animation & Manga", "Automotive", "Aviation", "Crafts", "Games",
                          "Hobbies", "Home & Garden", "Video Games"}),
    "Music": frozenset({"Music Commentary", "Music History", "Music Interviews"}),
    "News": frozenset({"Business News", "Daily News", "Entertainment News", "News Commentary",
                       "Politics", "Sports News", "Tech News"}),
    "Religion & Spirituality": frozenset({"Buddhism", "Christianity", "Hinduism", "Islam",
                                          "Judaism", "Religion", "Spirituality"}),
    "Science": frozenset({"Astronomy", "Chemistry", "Earth Sciences", "Life Sciences",
                          "Mathematics", "Natural Sciences", "Nature", "Physics",
                          "Social Sciences"}),
    "Society & Culture": frozenset({"Documentary", "Personal Journals", "Philosophy",
                                    "Places & Travel", "Relationships"}),
    "Sports": frozenset({"Baseball", "Basketball", "Cricket", "Fantasy Sports", "Football",
                         "Golf", "Hockey", "Rugby", "Running", "Soccer", "Swimming", "Tennis",
                         "Volleyball", "Wilderness", "Wrestling"}),
    "Technology": frozenset(),
    "True Crime": frozenset(),
    "TV & Film": frozenset({"After Shows", "Film History", "Film Interviews", "Film Reviews",
                            "TV Reviews"}),
}  # fmt: skip
# Names Apple used before its current list: still understood, no longer offered.
OBSOLETE_CATEGORIES = frozenset(
    {"Games & Hobbies", "Government & Organizations", "Health", "News & Politics",
     "Science & Medicine", "Sports & Recreation", "Movies & Television", "Travel", "Computers",
     "Talk Radio", "International", "Public Radio", "Entertainment", "Family", "Audio Blogs",
     "Other Games", "Local", "National", "Regional", "Fitness & Nutrition", "Self-Help",
     "Amateur", "College & High School", "Outdoor", "Professional", "Gadgets", "Podcasting",
     "Software How-To", "Business News", "Management & Marketing", "Shopping",
     "Educational Technology", "Higher Education", "K-12", "Language Courses", "Training",
     "Literature", "Other", "Hobbies", "Medicine", "Natural Sciences", "Social Sciences",
     "Philosophy", "History", "Personal Journals", "Places & Travel", "Tech News",
     "Arts & Entertainment", "Transportation", "Politics", "Food", "Religion", "Spirituality"}
)  # fmt: skip


def check_true_false(element: Element, ctx: Context, value: str) -> None:
    raw = "".join(element.itertext())
    if raw.lower() not in ("true", "false"):
        ctx.report("InvalidTrueFalse", element, value=raw)


def check_block(element: Element, ctx: Context, value: str) -> None:
    raw = "".join(element.itertext())
    if raw.lower() not in ("yes", "no", "clean"):
        ctx.report("InvalidYesNoClean", element, value=raw)


def check_yes_no(element: Element, ctx: Context, value: str) -> None:
    if value.lower() not in ("yes", "no"):
        ctx.report("InvalidYesNo", element, value=value)


check_positive = value_check(values.check_positive_integer)
check_duration = value_check(values.check_duration)


def check_episode_type(element: Element, ctx: Context, value: str) -> None:
    if value not in ("full", "trailer", "bonus"):
        ctx.report("InvalidItunesEpisodeType", element, value=value)


def check_show_type(element: Element, ctx: Context, value: str) -> None:
    if value not in ("episodic", "serial"):
        ctx.report("InvalidItunesChannelType", element, value=value)


def _limited(limit: int) -> ValueCheck:
    """Plain text of at most `limit` characters."""

    def check(element: Element, ctx: Context, value: str) -> None:
        if len(value) > limit:
            ctx.report("TooLong", element, detail=str(limit))
        check_plain_text(element, ctx, value)

    return check


def check_keywords(element: Element, ctx: Context, value: str) -> None:
    _limited(255)(element, ctx, value)
    if " " in value and "," not in value:
        ctx.report("InvalidKeywords", element, value=value)


def check_image(element: Element, ctx: Context, value: str) -> None:
    href = element.get("href")
    if href is None:
        ctx.report("MissingAttribute", element, attribute="href")
    elif values.check_http_url(href):
        ctx.report("InvalidURLAttribute", element, attribute="href", value=href)
    if value:
        ctx.report("UnexpectedText", element)


def check_category(element: Element, ctx: Context, value: str) -> None:
    text = element.get("text")
    if text is None:
        ctx.report("MissingAttribute", element, attribute="text")
        return
    parent = element.getparent()
    parent_text = parent.get("text") or "" if parent is not None and parent.tag == element.tag else None
    if parent_text is None:
        known = frozenset(CATEGORIES)
    elif parent_text in OBSOLETE_CATEGORIES and parent_text not in CATEGORIES:
        known = frozenset()  # every subcategory of an obsolete category is obsolete too
    else:
        known = CATEGORIES.get(parent_text, frozenset())
    if text not in known:
        obsolete = text in OBSOLETE_CATEGORIES or (
            parent_text in OBSOLETE_CATEGORIES and parent_text not in CATEGORIES
        )
        code = "ObsoleteItunesCategory" if obsolete else "InvalidItunesCategory"
        ctx.report(code, element, value=text)
    for child in element:
        if isinstance(child.tag, str) and child.tag == element.tag:
            check_category(child, ctx, "")


OWNER_CHILDREN = ("email", "name")


def check_owner(element: Element, ctx: Context, value: str) -> None:
    namespace = split(element.tag)[0]
    for child in element:
        if isinstance(child.tag, str) and child.tag not in (tag(namespace, name) for name in OWNER_CHILDREN):
            ctx.report("UndefinedElement", child)
    name = element.find(tag(namespace, "name"))
    if name is not None:
        _limited(255)(name, ctx, text_of(name))
    email = element.find(tag(namespace, "email"))
    if email is None:
        ctx.report("MissingElement", element, element="itunes:email", parent=name_of(element))
        return
    code = values.check_email(text_of(email))
    if code:
        ctx.report(code, email, value=text_of(email))


def check_new_feed_url(element: Element, ctx: Context, value: str) -> None:
    code = values.check_uri(value, full=True)
    if code:
        ctx.report(code, element, value=value)


EXTERNAL_SPECS.update(
    {
        tag(ITUNES, "author"): Spec(_limited(255), CHANNELS_AND_ITEMS),
        tag(ITUNES, "block"): Spec(check_block, CHANNELS_AND_ITEMS),
        tag(ITUNES, "explicit"): Spec(check_true_false, CHANNELS_AND_ITEMS),
        tag(ITUNES, "keywords"): Spec(check_keywords, CHANNELS_AND_ITEMS),
        tag(ITUNES, "subtitle"): Spec(_limited(255), CHANNELS_AND_ITEMS),
        tag(ITUNES, "summary"): Spec(_limited(4000), CHANNELS_AND_ITEMS),
        tag(ITUNES, "image"): Spec(check_image, CHANNELS_AND_ITEMS, attributes=frozenset({"href"})),
        tag(ITUNES, "owner"): Spec(check_owner, CHANNELS, content="elements"),
        tag(ITUNES, "category"): Spec(
            check_category, CHANNELS, CHANNELS, frozenset({"text"}), content="elements"
        ),
        tag(ITUNES, "pubDate"): Spec(check_rfc822, CHANNELS),
        tag(ITUNES, "new-feed-url"): Spec(check_new_feed_url, CHANNELS),
        tag(ITUNES, "type"): Spec(check_show_type, CHANNELS),
        tag(ITUNES, "duration"): Spec(check_duration, ITEMS),
        tag(ITUNES, "title"): Spec(no_check, ITEMS),
        tag(ITUNES, "episode"): Spec(check_positive, ITEMS),
        tag(ITUNES, "season"): Spec(check_positive, ITEMS),
        tag(ITUNES, "episodeType"): Spec(check_episode_type, ITEMS),
    }
)
# Elements Apple's specification defines that the W3C validator does not know.
NEWER = {
    tag(ITUNES, "complete"): Spec(check_yes_no, CHANNELS),
    tag(ITUNES, "applepodcastsverify"): Spec(no_check, CHANNELS),
    tag(ITUNES, "order"): Spec(check_positive, ITEMS),
    tag(ITUNES, "isClosedCaptioned"): Spec(check_yes_no, ITEMS),
}
EXTERNAL_SPECS.update(NEWER)
NEWER_THAN_W3C.update(NEWER)

# Apple's documentation once spelled the namespace with capitals; feeds still use it.
ITUNES_CAPITALIZED = "http://www.itunes.com/DTDs/Podcast-1.0.dtd"

REQUIRED_IN_CHANNEL = (("category", "itunes:category"), ("explicit", "itunes:explicit"))
# The file types Apple Podcasts accepts for episodes.
SUPPORTED_FORMATS = frozenset(words("m4a mp3 mov mp4 m4v pdf epub"))


@rule(f"{{{ITUNES}}}*", f"{{{ITUNES_CAPITALIZED}}}*")
def note_podcast(element: Element, ctx: Context) -> None:
    """A feed using any iTunes element is a podcast, and gets the podcast checks."""
    ctx.state[__name__] = True


@rule(tag("", "item"))
def check_episode_format(item: Element, ctx: Context) -> None:
    """A podcast episode (an item with iTunes elements) must be in a format Apple Podcasts
    plays. (Newsletters that are podcasts too often attach images to their other items.)"""
    if ctx.format != "rss" or not ctx.state.get(__name__) or not any(_is_itunes(child) for child in item):
        return
    for enclosure in item.iterchildren("enclosure"):
        url = (enclosure.get("url") or "").strip()
        parts = values.split_url(url)  # one that cannot be split is an InvalidURLAttribute
        name = parts.path.rsplit("/", 1)[-1] if parts else ""
        if "." in name and name.rsplit(".", 1)[1].lower() not in SUPPORTED_FORMATS:
            ctx.report("UnsupportedItunesFormat", enclosure, value=name.rsplit(".", 1)[1])


def _is_itunes(element: Element) -> bool:
    return isinstance(element.tag, str) and canonical_tag(element.tag).startswith(f"{{{ITUNES}}}")


@rule(tag("", "channel"))
def check_podcast_channel(channel: Element, ctx: Context) -> None:
    if not ctx.state.get(__name__) or ctx.format != "rss":
        return
    encoding = (ctx.declared_encoding or "utf-8").lower().replace("_", "-")
    if encoding not in ("utf-8", "utf8"):
        ctx.report("NotUTF8", channel, value=ctx.declared_encoding, element="channel")
    for local, name in REQUIRED_IN_CHANNEL:
        if channel.find(tag(ITUNES, local)) is None and channel.find(tag(ITUNES_CAPITALIZED, local)) is None:
            ctx.report("MissingItunesElement", channel, element=name, parent="channel")
    rss = channel.getparent()
    declared = channel.get(XML_LANG) or (rss.get(XML_LANG) if rss is not None else None)
    if channel.find("language") is None and not declared:
        ctx.report("MissingItunesElement", channel, element="language", parent="channel")
    if channel.find(tag(ITUNES, "owner")) is None and channel.find(tag(ITUNES_CAPITALIZED, "owner")) is None:
        ctx.report("MissingItunesEmail", channel, element="itunes:owner", parent="channel")
