"""Emitters: turn items and feed metadata into the bytes of feeds and pages."""
