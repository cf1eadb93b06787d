"""feedtool: regenerate, validate and serve RSS and Atom feeds."""

__version__ = "0.1.0"
