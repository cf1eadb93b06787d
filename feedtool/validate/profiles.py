"""Profiles: whose judgement `feedtool validate` gives, feedtool's own or exactly the W3C's.

The W3C Feed Validation Service is the reference most feed tools are measured against, but a
few of its messages are known to be wrong today, and it does not check the podcast
namespaces feeds use most. The `feedtool` profile (the default) corrects those messages and
adds feedtool's own checks; the `w3c` profile reports exactly what the W3C validator would.

The difference is decided where problems are reported (`Context.report` asks `reports`),
so rules stay written once: a rule module that defines codes of feedtool's own registers
them with `own()`, and the W3C's known false positives are listed here with the reason.
"""

from __future__ import annotations

from typing import Literal

from feedtool.validate.values import words

Profile = Literal["feedtool", "w3c"]

PROFILES: tuple[Profile, ...] = ("feedtool", "w3c")
DEFAULT: Profile = "feedtool"

PODCAST_NAMESPACES = frozenset(
    {
        "https://podcastindex.org/namespace/1.0",
        # The specification says readers must treat its own address as the same namespace.
        "https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md",
    }
)

# Attributes of today's HTML that carry no script and that readers and sanitizers keep:
# accessibility (role, aria-*), custom data (data-*), media players, responsive images,
# lazy loading and microdata. The W3C validator predates most of them.
HTML5_ATTRIBUTES = frozenset(
    words(
        """role controls autoplay muted loop playsinline poster preload srcset sizes loading
    decoding crossorigin referrerpolicy download hidden translate itemprop itemscope itemtype
    itemid itemref reversed kind srclang default open allowfullscreen spellcheck draggable
    inputmode enterkeyhint autocapitalize dirname min max step pattern placeholder required
    minlength list high low optimum"""
    )
)
HTML5_PREFIXES = ("aria-", "data-")

_OWN: dict[str, str] = {}


def own(*codes: str, reason: str) -> None:
    """Register codes that only the feedtool profile reports, and why the W3C has none."""
    for code in codes:
        _OWN[code] = reason


def is_html5_attribute(name: str) -> bool:
    name = name.lower()
    return name in HTML5_ATTRIBUTES or name.startswith(HTML5_PREFIXES)


# The W3C's messages the feedtool profile does not report, in general or in one case, with
# why; `reports` below decides the case.
W3C_FALSE_POSITIVES = {
    "MissingItunesEmail": "Apple Podcasts no longer requires an owner e-mail (itunes:owner with "
    "itunes:email): a podcast without one is accepted, so the feedtool profile does not report it.",
    "SecurityRiskAttr": "The W3C validator reports HTML5 and ARIA attributes (role, aria-*, "
    "data-*, controls, srcset, loading, …) in XHTML content as if they could run code; they "
    "cannot, readers and sanitizers keep them, and accessibility depends on them. The "
    "feedtool profile accepts them; event handlers and unknown attributes are still reported.",
    "NotInANamespace": "A Podcasting 2.0 live stream (podcast:liveItem) holds the same elements "
    "as an RSS item, title, guid and enclosure among them, as its specification says; the "
    "feedtool profile does not ask for a namespace on them.",
    "UnknownNamespace": "The W3C validator does not know the Podcasting 2.0 namespace "
    "(https://podcastindex.org/namespace/1.0); feedtool checks it, so the feedtool profile "
    "does not call it unknown.",
}


def reports(profile: Profile, code: str, detail: str | None, parent: str | None = None) -> bool:
    """Whether `profile` reports a problem `code` with these message fields (the element's
    parent as written, `detail` the attribute or namespace the problem is about)."""
    if profile == "w3c":
        return code not in _OWN
    if code == "MissingItunesEmail":
        return False
    if code == "NotInANamespace" and parent is not None:
        return parent.rpartition(":")[2] != "liveItem"
    if code == "SecurityRiskAttr" and detail is not None:
        return not is_html5_attribute(detail)
    if code == "UnknownNamespace" and detail is not None:
        return detail not in PODCAST_NAMESPACES
    return True


def difference(code: str) -> str | None:
    """How the two profiles treat `code`, for `--explain`; None when they agree."""
    if code in _OWN:
        return f"feedtool's own check; --profile w3c does not report it ({_OWN[code]})."
    reason = W3C_FALSE_POSITIVES.get(code)
    if reason:
        return f"{reason} --profile w3c reports it as the W3C does."
    return None
