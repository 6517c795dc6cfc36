"""The federation tree and organisation pages; what is visible comes from ``orgs.access``."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from craftpath.accounts.models import User
from craftpath.accounts.views import signed_in
from craftpath.orgs.access import access_organisation_by_code, organisations_visible_to
from craftpath.orgs.models import Organisation

TREE_ROLES = (
    User.Role.UNION_STAFF,
    User.Role.SYSTEM_ADMIN,
    User.Role.SECURITY_ADMIN,
    User.Role.AUDIT_ADMIN,
)
COUNT_CACHE_SECONDS = 300
TREE_LIMIT = 5000  # nodes drawn at most; a big province is browsed one organisation at a time


@dataclass
class Node:
    org: Organisation
    members: int = 0
    children: list[Node] = field(default_factory=list)
    open: bool = False  # the top two levels start unfolded


def _ids(path: str) -> list[str]:
    return [p for p in path.strip("/").split("/") if p]


def subtree_member_counts(orgs: list[Organisation], direct: dict[int, int]) -> dict[int, int]:
    """Members per organisation including everything below it, from counts per union."""
    totals: dict[int, int] = {o.pk: 0 for o in orgs}
    paths = {o.pk: o.path for o in orgs}
    for pk, n in direct.items():
        for ancestor in _ids(paths.get(pk, "")):
            key = int(ancestor)
            if key in totals:
                totals[key] += n
    return totals


def _direct_counts(orgs: Any, scope: str) -> dict[int, int]:
    """Members per grassroots union under ``scope`` (a path); one grouped query, cached a while
    because on a province it reads millions of rows."""
    key = "craftpath:orgs:member-counts:" + hashlib.sha256(scope.encode()).hexdigest()[:24]
    counts = cache.get(key)
    if counts is None:
        # Member.union points at a grassroots union.
        rows = orgs.filter(level=Organisation.Level.GRASSROOTS).annotate(n=Count("members")).values_list("pk", "n")
        counts = {pk: n for pk, n in rows if n}
        cache.set(key, counts, COUNT_CACHE_SECONDS)
    return dict(counts)


@signed_in(*TREE_ROLES)
def tree(request: HttpRequest) -> HttpResponse:
    visible = organisations_visible_to(request.user)
    orgs = list(visible.order_by("path")[: TREE_LIMIT + 1])
    truncated = len(orgs) > TREE_LIMIT
    orgs = orgs[:TREE_LIMIT]
    user: Any = request.user
    scope = user.org.path if user.role == User.Role.UNION_STAFF else "/"
    totals = subtree_member_counts(orgs, _direct_counts(visible, scope))
    top = min((o.depth for o in orgs), default=0)
    nodes = {o.pk: Node(o, totals.get(o.pk, 0), open=o.depth - top < 2) for o in orgs}
    roots: list[Node] = []
    for org in orgs:
        parent = nodes.get(org.parent_id) if org.parent_id else None
        (parent.children if parent else roots).append(nodes[org.pk])
    return render(request, "orgs/tree.html", {"roots": roots, "truncated": truncated, "limit": TREE_LIMIT})


@signed_in(*TREE_ROLES)
def detail(request: HttpRequest, code: str) -> HttpResponse:
    org = access_organisation_by_code(request.user, code)
    visible = organisations_visible_to(request.user)
    subtree = visible.filter(path__startswith=org.path)
    children = list(subtree.filter(parent=org).order_by("name"))
    within = list(subtree.filter(path__startswith=org.path).only("pk", "path"))
    totals = subtree_member_counts(within, _direct_counts(subtree, org.path))
    ancestors = [o for o in visible.filter(pk__in=[int(i) for i in _ids(org.path)]).order_by("depth") if o.pk != org.pk]
    context = {
        "org": org,
        "ancestors": ancestors,
        "children": [{"org": c, "members": totals.get(c.pk, 0)} for c in children],
        "members_total": totals.get(org.pk, 0),
        "employers": list(org.employers.select_related("region").order_by("name")[:200]),
        "staff": list(User.objects.filter(org=org, is_active=True).order_by("username")),
    }
    return render(request, "orgs/detail.html", context)
