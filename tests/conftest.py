"""Test-wide settings: property tests explore at random locally and repeat one fixed
exploration in CI, so a submission's CI run is reproducible."""

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
