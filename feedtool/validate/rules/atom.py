"""Atom 1.0 (RFC 4287) rules: the MUSTs of the RFC and the W3C validator's SHOULDs."""

from __future__ import annotations

from feedtool.validate.engine import root, streamed
from feedtool.validate.namespaces import ATOM, tag

FEED = tag(ATOM, "feed")
ENTRY = tag(ATOM, "entry")

root(FEED, "atom")
root(ENTRY, "atom")
streamed(ENTRY)
