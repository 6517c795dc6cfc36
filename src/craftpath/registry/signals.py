"""What the registry tells the apps above it (it sits below them and cannot call them).

``members_moved`` is sent inside the transaction that moved members to another union, with
``moves``: ``{member pk: the member's new org_path}``. Apps that keep a copy of a member's
org_path on the member's open cases (a job seeker, a place on a course) move those cases with
the member, so the new union's staff take them over and the old union's no longer see them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from django.dispatch import Signal

members_moved = Signal()


def moves_by_path(moves: dict[int, str], chunk: int = 500) -> Iterator[tuple[str, list[int]]]:
    """``(new org_path, member pks)`` pairs, at most ``chunk`` pks each (for ``member_id__in``).

    >>> list(moves_by_path({1: "/a/", 2: "/b/", 3: "/a/"}, chunk=1))
    [('/a/', [1]), ('/a/', [3]), ('/b/', [2])]
    """
    by_path: dict[str, list[int]] = defaultdict(list)
    for member_pk, path in moves.items():
        by_path[path].append(member_pk)
    for path, members in by_path.items():
        for start in range(0, len(members), chunk):
            yield path, members[start : start + chunk]
