"""Agreement with the W3C Feed Validation Service, pinned at what bench/conformance.py measures.

Each figure may rise but not fall: a change that costs agreement fails here. When a figure
rises, raise its pin to the new count (the benchmark prints the counts).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"

# (held or agreeing, out of): measured on ../shared/corpus with bench/conformance.py.
PINNED = {
    "W3C suite, Atom 1.0 + RSS 2.0: Expect": (926, 926),
    "W3C suite, every folder: Expect": (1000, 1000),
    "W3C suite, every folder: error agreement": (1174, 1175),
    "W3C suite, every folder: verdict agreement": (1174, 1175),
    "real feeds: error agreement": (210, 210),
    "real feeds: code-set agreement": (203, 210),
}


def _benchmark():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("conformance", ROOT / "bench" / "conformance.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["conformance"] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def figures() -> dict[str, float]:
    if not CORPUS.is_dir():
        pytest.skip(f"the shared corpus is not at {CORPUS}")
    measured: dict[str, float] = _benchmark().measure(CORPUS).figures()
    return measured


@pytest.mark.parametrize("name", sorted(PINNED))
def test_agreement_with_the_w3c_does_not_fall(figures: dict[str, float], name: str) -> None:
    held, total = PINNED[name]
    assert figures[name] >= held / total, f"{name}: {figures[name]:.2%} < pinned {held}/{total}"
