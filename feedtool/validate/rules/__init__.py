"""Validation rules, one module per format or namespace; every module here is loaded."""
