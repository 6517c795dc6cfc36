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

from .command import run_code_occupations
from .core import CHEAP_FEATURES, FULL_FEATURES, Coder, RankerWeights, leaf_occupations
from .embed import Embedder, EmbeddingCache
from .normalize import has_content, normalize_name, normalize_title, pick_title_text
from .resources import default_coder, labelled_titles, occupation_table

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
