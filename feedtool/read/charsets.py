"""The character encoding of a feed that does not say which it is in and is not UTF-8.

A feed names its encoding with a byte order mark, the HTTP charset or its XML declaration;
most that name none are UTF-8. For the rest feedtool guesses, by one rule:

- the feed states its language (`<language>`, `<dc:language>`, `xml:lang`, JSON Feed's
  "language") and that language has legacy encodings (Chinese: GB18030, Big5; Japanese:
  Shift_JIS, EUC-JP; Korean: EUC-KR; Cyrillic: windows-1251, KOI8; …): the one of those its
  text reads best in (charset-normalizer judges: the fewest odd characters, the most
  plausible letters for the language);
- it states none, or one with no legacy encoding of its own (English, French…), or its text
  reads in none of them: a multi-byte East Asian encoding when charset-normalizer finds the
  text reads as one (random bytes almost never form valid,
  plausible multi-byte text);
- else no guess: the caller reads windows-1252, the web's default for undeclared text.
"""

from __future__ import annotations

import codecs
import logging
import re
from dataclasses import dataclass

from charset_normalizer import from_bytes

# How much of a feed the guess looks at: enough text for any feed's language to show.
SAMPLE_SIZE = 1 << 20

# Legacy encodings by language (the primary subtag, or the whole tag where a region or script
# decides), most used first; Python codec names.
_LEGACY = {
    "zh": ("gb18030", "big5"),
    "zh-tw": ("big5", "gb18030"),
    "zh-hk": ("big5hkscs", "gb18030"),
    "zh-mo": ("big5hkscs", "gb18030"),
    "zh-hant": ("big5", "gb18030"),
    "ja": ("cp932", "euc_jp"),
    "ko": ("cp949",),
    "ru": ("cp1251", "koi8_r"),
    "uk": ("cp1251", "koi8_u"),
    **{language: ("cp1251",) for language in ("be", "bg", "kk", "ky", "mk", "sr", "tg")},
    **{language: ("cp1250",) for language in ("bs", "cs", "hr", "hu", "pl", "ro", "sk", "sl")},
    **{language: ("cp1256",) for language in ("ar", "fa", "ur")},
    **{language: ("cp1255",) for language in ("he", "iw", "yi")},
    **{language: ("cp1257",) for language in ("et", "lt", "lv")},
    **{language: ("cp1254",) for language in ("az", "tr")},
    "el": ("cp1253",),
    "th": ("cp874",),
    "vi": ("cp1258",),
}
# Multi-byte encodings trusted without a stated language (Python codec names).
_EAST_ASIAN = frozenset(
    codecs.lookup(name).name
    for name in ("gb18030", "gbk", "gb2312", "big5", "big5hkscs", "cp950", "cp932", "shift_jis",
                 "shift_jis_2004", "shift_jisx0213", "euc_jp", "euc_jis_2004", "euc_jisx0213",
                 "cp949", "euc_kr")
)  # fmt: skip
# The names people know the encodings by, by Python codec name.
_LABELS = {
    "gb18030": "GB18030",
    "gbk": "GBK",
    "gb2312": "GB2312",
    "big5": "Big5",
    "big5hkscs": "Big5-HKSCS",
    "cp950": "Big5",
    "cp932": "Shift_JIS",
    "shift_jis": "Shift_JIS",
    "shift_jis_2004": "Shift_JIS",
    "shift_jisx0213": "Shift_JIS",
    "euc_jp": "EUC-JP",
    "euc_jis_2004": "EUC-JP",
    "euc_jisx0213": "EUC-JP",
    "cp949": "EUC-KR",
    "euc_kr": "EUC-KR",
    "koi8-r": "KOI8-R",
    "koi8-u": "KOI8-U",
    "cp874": "windows-874",
}
_LANGUAGE = re.compile(
    rb"<(?:[A-Za-z][\w.-]*:)?language\b[^>]*>\s*([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*)\s*<"
    rb"""|\bxml:lang\s*=\s*["']([A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*)["']"""
    rb"""|"language"\s*:\s*"([A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*)\""""
)

logging.getLogger("charset_normalizer").addHandler(logging.NullHandler())


@dataclass(frozen=True, slots=True)
class Guess:
    encoding: str  # a Python codec name
    label: str  # the name people know it by
    reason: str  # why, for the warning: "its language is zh-CN"


def stated_language(sample: bytes) -> str:
    """The first language the document states, as written ("zh-CN"), or ""."""
    found = _LANGUAGE.search(sample)
    if found is None:
        return ""
    return next(group for group in found.groups() if group).decode("ascii").replace("_", "-")


def legacy_encodings(language: str) -> tuple[str, ...]:
    """The legacy encodings text in `language` is written in, most used first; () if none."""
    tag = language.lower()
    while tag:
        if tag in _LEGACY:
            return _LEGACY[tag]
        tag = tag.rpartition("-")[0]
    return ()


def label(encoding: str) -> str:
    name = codecs.lookup(encoding).name
    if name.startswith("cp125"):
        return f"windows-{name[2:]}"
    return _LABELS.get(name, name)


def guess(sample: bytes) -> Guess | None:
    """The encoding a document that names none (and is not UTF-8) is most likely in, judged
    from its first bytes (`sample`, at most SAMPLE_SIZE); None when no guess is reliable."""
    if len(sample) >= SAMPLE_SIZE:  # end at a line or tag, never inside a multi-byte character
        cut = max(sample.rfind(b"\n"), sample.rfind(b"<"))
        sample = sample[:cut] if cut > 0 else sample
    language = stated_language(sample)
    candidates = legacy_encodings(language)
    if candidates:
        best = from_bytes(sample, cp_isolation=list(candidates)).best()
        if best is not None:
            reason = f"the usual encoding for its language, {language}"
            return Guess(best.encoding, label(best.encoding), reason)
    results = from_bytes(sample)
    best = results.best()
    if best is None or codecs.lookup(best.encoding).name not in _EAST_ASIAN:
        return None
    rivals = [
        other
        for other in results
        if other.encoding != best.encoding
        and codecs.lookup(other.encoding).name in _EAST_ASIAN
        and other.chaos <= best.chaos
        and str(other) != str(best)
    ]
    if rivals:  # as plausible in another encoding (short texts): no reliable guess
        return None
    return Guess(best.encoding, label(best.encoding), "guessed from its text")
