"""Occupation coder: free text (job title or whole job ad, Chinese or English) → 2022
national occupation codes (职业分类大典 2022), top-k with scores and evidence.

Examples:
    >>> from craftpath.engines.coder import Coder
    >>> coder = Coder.default()
    >>> coder.code(["【急聘】電焊工（月薪8000）"], k=1)["name"].to_list()
    ['焊工']
    >>> coder.code(["数控车床操作工"], k=1)["name"].to_list()  # a lathe (data/coder/trade_aliases.csv)
    ['车工']
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .command import run_code_occupations
    from .core import CHEAP_FEATURES, FULL_FEATURES, Coder, RankerWeights, leaf_occupations
    from .embed import Embedder, EmbeddingCache
    from .normalize import has_content, normalize_name, normalize_title, pick_title_text
    from .resources import default_coder, labelled_titles, occupation_table

# Names are imported when first used (PEP 562): ``code-occupations`` starts its worker
# processes before the parent has loaded NumPy's, SciPy's and Numba's share of the coder,
# which the parent never needs when the workers do the coding.
_HOME = {
    "run_code_occupations": "command",
    **dict.fromkeys(("CHEAP_FEATURES", "FULL_FEATURES", "Coder", "RankerWeights", "leaf_occupations"), "core"),
    **dict.fromkeys(("Embedder", "EmbeddingCache"), "embed"),
    **dict.fromkeys(("has_content", "normalize_name", "normalize_title", "pick_title_text"), "normalize"),
    **dict.fromkeys(("default_coder", "labelled_titles", "occupation_table"), "resources"),
}


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{home}", __name__), name)
    globals()[name] = value
    return value


__all__ = [
    "CHEAP_FEATURES",
    "FULL_FEATURES",
    "Coder",
    "Embedder",
    "EmbeddingCache",
    "RankerWeights",
    "default_coder",
    "has_content",
    "labelled_titles",
    "leaf_occupations",
    "normalize_name",
    "normalize_title",
    "occupation_table",
    "pick_title_text",
    "run_code_occupations",
]
