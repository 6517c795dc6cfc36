"""English job titles read as the occupation they name (``data/coder/english_titles.csv``).

The classification has Chinese names only, and the coder's learnt signals know Chinese titles;
an English title reaches it only through the multilingual embeddings, which place a single
word such as ``welder`` poorly. A title written wholly in Latin script that contains a title
of the table (``Senior TIG Welder (night shift)`` → ``tig welder``) is coded as the Chinese
name of that title's occupation (焊工), and the answer's evidence says so. Text with Chinese
characters in it is left to the Chinese path, which reads mixed titles (``Java开发``) well.

Examples:
    >>> bridge = EnglishBridge({"welder": ("6-18-02-04", "焊工"), "tig welder": ("6-18-02-04", "焊工")})
    >>> bridge.find("Senior TIG Welders wanted")
    ('tig welder', '6-18-02-04', '焊工')
    >>> bridge.find("焊工 welder") is None
    True
"""

from __future__ import annotations

import functools
import io
import re
import unicodedata
from importlib import resources

import polars as pl

__all__ = ["EnglishBridge", "packaged_bridge"]

_CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_WORD_RE = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")
_MAX_WORDS = 5
# A title of up to this many words is read as a title: its longest match wins, the last of equal
# ones (the head noun comes last). A longer text is read as an ad, whose first match names the job
# (``Welder wanted, reporting to the forklift driver team lead``).
_SHORT = 6


def _words(text: str) -> list[str]:
    return _WORD_RE.findall(unicodedata.normalize("NFKC", text).lower())


def _singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


class EnglishBridge:
    """English title (lowercase words) → (code, Chinese name) of its occupation."""

    def __init__(self, titles: dict[str, tuple[str, str]]) -> None:
        self.titles = {" ".join(_words(k)): v for k, v in titles.items()}

    def __len__(self) -> int:
        return len(self.titles)

    def find(self, text: str) -> tuple[str, str, str] | None:
        """The table's title found in ``text``, its occupation's code and Chinese name, or None.

        Only text without Chinese characters is read. Plural forms count (``welders``).
        """
        if not text or _CJK_RE.search(text):
            return None
        words = _words(text)
        hits: list[tuple[int, int, str]] = []  # (start, length, title)
        for start in range(len(words)):
            for n in range(min(_MAX_WORDS, len(words) - start), 0, -1):
                span = words[start : start + n]
                for key in (" ".join(span), " ".join([*span[:-1], _singular(span[-1])])):
                    if key in self.titles:
                        hits.append((start, n, key))
                        break
                else:
                    continue
                break
        if not hits:
            return None
        if len(words) > _SHORT:  # an ad: the first title it names is the job
            key = hits[0][2]
        else:  # a title: its longest match, the last of equals (the head noun comes last)
            longest = max(n for _, n, _ in hits)
            key = [h for h in hits if h[1] == longest][-1][2]
        code, name = self.titles[key]
        return key, code, name


def read_titles(data: bytes) -> pl.DataFrame:
    """``english, code, name, basis`` rows of an English titles file."""
    return pl.read_csv(io.BytesIO(data), infer_schema_length=0)


@functools.cache
def packaged_bridge() -> EnglishBridge:
    """The bridge built from the packaged ``english_titles.csv``."""
    frame = read_titles(resources.files("craftpath.data.coder").joinpath("english_titles.csv").read_bytes())
    return EnglishBridge({e: (c, n) for e, c, n in frame.select("english", "code", "name").iter_rows()})
