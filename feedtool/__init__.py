"""feedtool: regenerate, validate and serve RSS and Atom feeds."""

__version__ = "0.2.0"
