"""Readers: turn sources (scraped item files) into Items."""

from feedtool.read.items import ItemFile, read_item, scan_item

__all__ = ["ItemFile", "read_item", "scan_item"]
