"""Namespace declarations, in every format: namespaces nobody knows, well-known prefixes bound
to another namespace, and the misspelled or obsolete namespaces of Media RSS and the wiki
module. They are judged where they are declared (`xmlns:prefix="uri"`), used or not."""

from __future__ import annotations

from feedtool.validate import rss_codes, values
from feedtool.validate.engine import Context, Declaration, Element, declaration_rule
from feedtool.validate.namespaces import CONVENTIONAL_PREFIXES, MEDIA, RESERVED_PREFIXES
from feedtool.validate.rules.extensions import w3c_profile

rss_codes.ensure_defined()

# The Media RSS namespace without its final slash: early drafts of the spec wrote it so.
MEDIA_WITHOUT_SLASH = MEDIA.rstrip("/")
OBSOLETE_WIKI = "http://www.usemod.com/cgi-bin/mb.pl?ModWiki"
PODCAST = "https://podcastindex.org/namespace/1.0"
PODCAST_DOCS = "https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md"
# Namespaces that are specified but that the W3C validator cannot check (UnsupportedNamespace):
# the name of each and where its specification is.
UNSUPPORTED = {
    "http://schemas.google.com/g/2005": (
        "Google Data",
        "https://developers.google.com/gdata/docs/1.0/elements",
    ),
    "http://www.rawvoice.com/rawvoiceRssModule/": ("RawVoice", "http://www.rawvoice.com/"),
    "https://schema.org/": ("Schema.org", "https://schema.org/"),
    "http://schema.org/": ("Schema.org", "https://schema.org/"),
    PODCAST: ("Podcasting 2.0", "https://podcastindex.org/namespace/1.0"),
    PODCAST_DOCS: ("Podcasting 2.0", "https://podcastindex.org/namespace/1.0"),
}
# Of those, the ones feedtool checks itself (rules/podcast.py), except under --profile w3c.
CHECKED_HERE = frozenset({PODCAST, PODCAST_DOCS})


@declaration_rule
def check_declarations(element: Element, declarations: list[Declaration], ctx: Context) -> None:
    for prefix, uri in declarations:
        _check(element, prefix, uri, ctx)


def _check(element: Element, prefix: str, uri: str, ctx: Context) -> None:
    name = f"xmlns:{prefix}" if prefix else "xmlns"
    conventional = CONVENTIONAL_PREFIXES.get(uri)
    if prefix in RESERVED_PREFIXES and conventional != prefix:
        if uri == MEDIA_WITHOUT_SLASH:
            ctx.report("MediaRssNamespace", element, element=name, value=uri)
        else:
            ctx.report("ReservedPrefix", element, element=name, value=prefix, detail=uri)
    elif uri == OBSOLETE_WIKI:
        ctx.report("ObsoleteWikiNamespace", element, element=name, value=uri)
    elif conventional is not None:
        return
    elif uri == MEDIA_WITHOUT_SLASH:
        ctx.report("MediaRssNamespace", element, element=name, value=uri)
    elif uri and (code := values.check_iri(uri)):
        ctx.report(code, element, element=name, value=uri)
    elif uri in UNSUPPORTED:
        if uri not in CHECKED_HERE or w3c_profile(ctx):
            specification = UNSUPPORTED[uri]
            ctx.report("UnsupportedNamespace", element, element=name, value=uri, detail=specification[0],
                       specification=specification[1])  # fmt: skip
    else:
        ctx.report("UnknownNamespace", element, element=name, value=uri, detail=uri or '""')
