"""Load and validate rulebook YAML files (the only I/O in the ladder engine).

File kinds (``kind:`` at the top of each file): ``ladder``, ``occupation_overrides``,
``related_occupations``, ``competition_table``, ``posts``, ``title_bridge``. Every clause needs
an ``id`` and a ``source``; ``valid_from`` / ``valid_to`` are inherited from the file when a
clause does not set them. Any numeric parameter may be a plain number or a list of dated values::

    years_after:
      - {value: 4, valid_from: 2018-01-01, source: "..."}
      - {value: 3, valid_from: 2026-01-01, source: "...", status: unconfirmed}

Errors raise :class:`RulebookError` naming the file, the path inside it and the clause id.

Examples:
    >>> rb = load_rulebook()
    >>> rb.name
    'default'
    >>> sorted({r.target for r in rb.ladder.routes})
    [1, 2, 3, 4, 5]
    >>> load_rulebook_text("kind: ladder\\nid: x\\n", "bad.yaml")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    craftpath.engines.rules.model.RulebookError: bad.yaml: $ (clause x): missing required key 'source' ...
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import yaml

from craftpath.engines.rules.model import (
    Band,
    BridgeRule,
    Clause,
    CompetitionTable,
    Condition,
    Dated,
    DatedValue,
    LadderBook,
    OccupationOverride,
    PostRule,
    RelatedOccupations,
    Route,
    Rulebook,
    RulebookError,
)

__all__ = [
    "DEFAULT_FILES",
    "RULEBOOK_DIR",
    "load_files",
    "load_rulebook",
    "load_rulebook_text",
]

RULEBOOK_DIR = Path(__file__).resolve().parents[2] / "data" / "rulebooks"
DEFAULT_FILES = (
    "national-2018.yaml",
    "occupation-overrides.yaml",
    "related-occupations.yaml",
    "competitions-national.yaml",
    "competitions-tianjin.yaml",
    "competitions-shaanxi.yaml",
    "competitions-hainan.yaml",
    "posts.yaml",
    "title-bridge.yaml",
)
CONDITION_KINDS = {
    "years_in_occupation": {"years"},
    "certificate": {"grade", "years_after"},
    "diploma": {"kinds", "assessed_level_min", "specialty", "years_after"},
    "apprenticeship": set(),
    "min_age": {"years"},
}
DIPLOMA_KINDS = {
    "technical_school",
    "senior_technical_school",
    "technician_college",
    "preparatory_technician",
    "secondary_vocational",
    "higher_vocational",
    "junior_college",
    "bachelor",
    "postgraduate",
}
PRIZES = {"gold", "silver", "bronze", "excellence", "none"}
STATUSES = {"confirmed", "unconfirmed", "assumed", "example"}
_OCC_RE = __import__("re").compile(r"^\d-\d{2}-\d{2}-\d{2}$")


class _Ctx:
    """Where we are in a file, for error messages."""

    def __init__(self, file: str, path: str = "$", clause: str | None = None) -> None:
        self.file, self.path, self.clause = file, path, clause

    def at(self, key: str | int) -> _Ctx:
        base = "" if self.path == "$" else self.path
        sub = f"{base}[{key}]" if isinstance(key, int) else (f"{base}.{key}" if base else str(key))
        return _Ctx(self.file, sub, self.clause)

    def with_clause(self, clause: str) -> _Ctx:
        return _Ctx(self.file, self.path, clause)

    def fail(self, message: str) -> RulebookError:
        return RulebookError(self.file, self.path, message, self.clause)


def _req(node: dict[str, Any], key: str, ctx: _Ctx) -> Any:
    if not isinstance(node, dict):
        raise ctx.fail(f"expected a mapping, got {type(node).__name__}")
    if key not in node or node[key] is None:
        raise ctx.fail(f"missing required key {key!r}")
    return node[key]


def _date(value: Any, ctx: _Ctx, *, allow_none: bool = False) -> dt.date | None:
    if value is None and allow_none:
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ctx.fail(f"expected a date YYYY-MM-DD, got {value!r}")


def _grade(value: Any, ctx: _Ctx, lo: int = 0, hi: int = 7) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise ctx.fail(f"expected a grade rank {lo}-{hi}, got {value!r}")
    return value


def _clause(node: dict[str, Any], ctx: _Ctx, parent: Clause | None, *, need_id: bool = True) -> Clause:
    cid = node.get("id")
    if need_id and not cid:
        raise ctx.fail("missing required key 'id'")
    ctx = ctx.with_clause(str(cid)) if cid else ctx
    source = node.get("source") or (parent.source if parent and not need_id else None)
    if not source:
        raise ctx.fail("missing required key 'source' (every clause must say where it comes from)")
    vf = (
        _date(node["valid_from"], ctx.at("valid_from"))
        if "valid_from" in node
        else (parent.valid_from if parent else None)
    )
    if vf is None:
        raise ctx.fail("missing required key 'valid_from'")
    vt = (
        _date(node.get("valid_to"), ctx.at("valid_to"), allow_none=True)
        if "valid_to" in node
        else (parent.valid_to if parent else None)
    )
    if vt is not None and vt < vf:
        raise ctx.fail(f"valid_to {vt} is before valid_from {vf}")
    status = str(node.get("status", "confirmed"))
    if status not in STATUSES:
        raise ctx.at("status").fail(f"status must be one of {sorted(STATUSES)}, got {status!r}")
    return Clause(str(cid or ""), str(source), vf, vt, status, ctx.file)


def _dated_number(
    value: Any, ctx: _Ctx, owner: Clause, name: str, *, kind: type = int, allow_none: bool = False
) -> Dated[Any]:
    """A number, or a list of ``{value, valid_from, valid_to, source, status}``."""

    def check(v: Any, c: _Ctx) -> Any:
        if v is None and allow_none:
            return None
        if isinstance(v, bool) or not isinstance(v, (int, float)) or v < 0:
            raise c.fail(f"expected a non-negative number, got {v!r}")
        if kind is int and v != int(v):
            raise c.fail(f"expected a whole number, got {v!r}")
        return kind(v)

    if isinstance(value, dict):
        value = [value]
    if isinstance(value, list):
        out = []
        for i, item in enumerate(value):
            c = ctx.at(i)
            if not isinstance(item, dict) or "value" not in item:
                raise c.fail("a dated value needs 'value' (and 'valid_from', 'source')")
            cl = _clause(item, c, owner, need_id=False)
            status = str(item.get("status", owner.status))
            out.append(DatedValue(check(item["value"], c.at("value")), cl.valid_from, cl.valid_to, cl.source, status))
        for a, b in itertools.pairwise(out):
            if a.valid_to is None or a.valid_to >= b.valid_from:
                raise ctx.fail(f"dated values overlap: one from {a.valid_from} and one from {b.valid_from}")
        return Dated.of(out, name)
    return Dated.of([DatedValue(check(value, ctx), owner.valid_from, owner.valid_to, owner.source, owner.status)], name)


def _condition(node: Any, ctx: _Ctx, owner: Clause) -> Condition:
    if not isinstance(node, dict) or len(node) != 1:
        raise ctx.fail("a condition is a mapping with exactly one key, e.g. {years_in_occupation: 6}")
    kind, body = next(iter(node.items()))
    if kind not in CONDITION_KINDS:
        raise ctx.fail(f"unknown condition {kind!r} (expected one of {sorted(CONDITION_KINDS)})")
    c = ctx.at(kind)
    if kind in ("years_in_occupation", "min_age"):
        return Condition(kind, {"years": _dated_number(body, c, owner, f"{owner.id}.{kind}")})
    body = body or {}
    if not isinstance(body, dict):
        raise c.fail("expected a mapping")
    unknown = set(body) - CONDITION_KINDS[kind]
    if unknown:
        raise c.fail(f"unknown keys {sorted(unknown)} (expected {sorted(CONDITION_KINDS[kind])})")
    params: dict[str, Any] = {}
    if kind == "certificate":
        params["grade"] = _grade(_req(body, "grade", c), c.at("grade"), 0, 5)
        params["years_after"] = _dated_number(
            body.get("years_after", 0), c.at("years_after"), owner, f"{owner.id}.years_after"
        )
    elif kind == "diploma":
        kinds = _req(body, "kinds", c)
        if not isinstance(kinds, list) or not kinds or set(kinds) - DIPLOMA_KINDS:
            raise c.at("kinds").fail(f"expected a list of diploma kinds from {sorted(DIPLOMA_KINDS)}, got {kinds!r}")
        params["kinds"] = tuple(kinds)
        lvl = body.get("assessed_level_min")
        params["assessed_level_min"] = None if lvl is None else _grade(lvl, c.at("assessed_level_min"), 1, 5)
        spec = body.get("specialty", "related")
        if spec not in ("related", "any"):
            raise c.at("specialty").fail(f"specialty must be 'related' or 'any', got {spec!r}")
        params["specialty"] = spec
        params["years_after"] = _dated_number(
            body.get("years_after", 0), c.at("years_after"), owner, f"{owner.id}.years_after"
        )
    return Condition(kind, params)


def _routes(nodes: Any, ctx: _Ctx, parent: Clause) -> tuple[Route, ...]:
    if not isinstance(nodes, list):
        raise ctx.fail("expected a list of grades")
    routes: list[Route] = []
    seen: set[str] = set()
    for gi, gnode in enumerate(nodes):
        gctx = ctx.at(gi)
        target = _grade(_req(gnode, "grade", gctx), gctx.at("grade"), 1, 5)
        for ri, rnode in enumerate(_req(gnode, "routes", gctx)):
            rctx = gctx.at("routes").at(ri)
            cl = _clause(rnode, rctx, parent)
            rctx = rctx.with_clause(cl.id)
            if cl.id in seen:
                raise rctx.fail(f"duplicate clause id {cl.id!r}")
            seen.add(cl.id)
            conds = _req(rnode, "conditions", rctx)
            if not isinstance(conds, list) or not conds:
                raise rctx.at("conditions").fail("a route needs at least one condition")
            parsed = tuple(_condition(n, rctx.at("conditions").at(i), cl) for i, n in enumerate(conds))
            for cond in parsed:
                if cond.kind == "certificate" and cond.params["grade"] >= target:
                    raise rctx.fail(f"certificate grade {cond.params['grade']} must be below the target grade {target}")
            routes.append(Route(cl, target, parsed))
    return tuple(routes)


def _occ(code: Any, ctx: _Ctx) -> str:
    if not isinstance(code, str) or not _OCC_RE.match(code):
        raise ctx.fail(f"expected an occupation code like '6-31-01-03', got {code!r}")
    return code


def _parse(doc: Any, file: str) -> dict[str, Any]:
    ctx = _Ctx(file)
    if not isinstance(doc, dict):
        raise ctx.fail("a rulebook file must be a mapping")
    kind = _req(doc, "kind", ctx)
    head = _clause(doc, ctx, None)
    ctx = ctx.with_clause(head.id)
    if kind == "ladder":
        cert_occ = doc.get("certificate_occupation", "same")
        if cert_occ != "same":
            # certificates count in their own occupation; a "related" mode is not implemented
            raise ctx.at("certificate_occupation").fail("only 'same' is supported")
        routes = _routes(_req(doc, "grades", ctx), ctx.at("grades"), head)
        return {"ladder": LadderBook(head, str(doc.get("title", head.id)), routes, cert_occ)}
    if kind == "occupation_overrides":
        out = []
        for i, node in enumerate(_req(doc, "overrides", ctx)):
            octx = ctx.at("overrides").at(i)
            cl = _clause(node, octx, head)
            occs = tuple(_occ(c, octx.at("occupations").at(j)) for j, c in enumerate(_req(node, "occupations", octx)))
            routes = _routes(_req(node, "grades", octx.with_clause(cl.id)), octx.at("grades").with_clause(cl.id), cl)
            out.append(OccupationOverride(cl, occs, routes, tuple(sorted({r.target for r in routes}))))
        return {"overrides": tuple(out)}
    if kind == "related_occupations":
        default = doc.get("default", "same_minor_group")
        if default not in ("same_minor_group", "none"):
            raise ctx.at("default").fail("must be 'same_minor_group' or 'none'")
        pairs = []
        for i, p in enumerate(doc.get("pairs") or []):
            pctx = ctx.at("pairs").at(i)
            if not isinstance(p, list) or len(p) != 2:
                raise pctx.fail("a pair is a list of two occupation codes")
            pairs.append((_occ(p[0], pctx.at(0)), _occ(p[1], pctx.at(1))))
        return {"related": RelatedOccupations(head, default, tuple(pairs))}
    if kind == "competition_table":
        jur = str(_req(doc, "jurisdiction", ctx))
        bands = []
        for i, node in enumerate(_req(doc, "bands", ctx)):
            bctx = ctx.at("bands").at(i)
            cl = _clause(node, bctx, head)
            bctx = bctx.with_clause(cl.id)
            tiers = _req(node, "tiers", bctx)
            sel = _req(node, "selection", bctx)
            allowed = {"rank_max", "rank_max_by_size", "top_fraction", "prizes"}
            if not isinstance(sel, dict) or len(sel) != 1 or set(sel) - allowed:
                raise bctx.at("selection").fail(f"selection needs exactly one of {sorted(allowed)}")
            prizes = sel.get("prizes")
            if prizes is not None and (not isinstance(prizes, list) or set(prizes) - PRIZES):
                raise bctx.at("selection").at("prizes").fail(f"prizes must be from {sorted(PRIZES)}")
            holders = {
                _grade(k, bctx.at("holders"), 0, 5): _grade(v, bctx.at("holders").at(str(k)), 1, 5)
                for k, v in (node.get("holders") or {}).items()
            }
            by_size = sel.get("rank_max_by_size")
            bands.append(
                Band(
                    cl,
                    tuple(tiers),
                    node.get("students"),
                    rank_max=sel.get("rank_max"),
                    rank_max_by_size={int(k): int(v) for k, v in by_size.items()} if by_size else None,
                    top_fraction=sel.get("top_fraction"),
                    prizes=tuple(prizes) if prizes else None,
                    promote_to=_grade(_req(node, "promote_to", bctx), bctx.at("promote_to"), 1, 5),
                    holders=holders,
                )
            )
        cap = _dated_number(
            doc.get("max_promotions_per_year"),
            ctx.at("max_promotions_per_year"),
            head,
            "max_promotions_per_year",
            allow_none=True,
        )
        return {
            "competitions": (
                CompetitionTable(
                    head, jur, tuple(bands), cap, _grade(doc.get("cap_grade", 5), ctx.at("cap_grade"), 1, 5)
                ),
            )
        }
    if kind == "posts":
        posts = []
        for i, node in enumerate(_req(doc, "posts", ctx)):
            pctx = ctx.at("posts").at(i)
            cl = _clause(node, pctx, head)
            pctx = pctx.with_clause(cl.id)
            posts.append(
                PostRule(
                    cl,
                    _grade(_req(node, "grade", pctx), pctx.at("grade"), 6, 7),
                    _grade(_req(node, "requires_grade", pctx), pctx.at("requires_grade"), 5, 6),
                    _dated_number(
                        _req(node, "min_years_in_grade", pctx),
                        pctx.at("min_years_in_grade"),
                        cl,
                        f"{cl.id}.min_years_in_grade",
                    ),
                    bool(node.get("needs_post_and_quota", True)),
                )
            )
        return {"posts": tuple(posts)}
    if kind == "title_bridge":
        rules = []
        for i, node in enumerate(_req(doc, "rules", ctx)):
            rctx = ctx.at("rules").at(i)
            cl = _clause(node, rctx, head)
            rctx = rctx.with_clause(cl.id)
            rules.append(
                BridgeRule(
                    cl,
                    _grade(_req(node, "from_grade", rctx), rctx.at("from_grade"), 1, 5),
                    _dated_number(_req(node, "years", rctx), rctx.at("years"), cl, f"{cl.id}.years"),
                    str(_req(node, "title", rctx)),
                    str(_req(node, "title_zh", rctx)),
                    tuple(doc.get("unchecked_conditions") or ()),
                )
            )
        return {"bridge": tuple(rules)}
    raise ctx.at("kind").fail(
        f"unknown kind {kind!r} (expected ladder, occupation_overrides, related_occupations, "
        "competition_table, posts or title_bridge)"
    )


def load_rulebook_text(text: str, file: str = "<text>") -> dict[str, Any]:
    """Parse one YAML document; returns the parts it defines (for tests and tools)."""
    try:
        doc = yaml.safe_load(text)
    except (yaml.YAMLError, ValueError) as exc:  # ValueError: YAML's own date parsing, e.g. month 13
        raise RulebookError(file, "$", f"not valid YAML: {exc}") from exc
    return _parse(doc, file)


def load_files(paths: Iterable[str | Path], name: str = "custom") -> Rulebook:
    """Combine several rulebook files into one :class:`Rulebook` (exactly one ``ladder``)."""
    parts: dict[str, Any] = {"overrides": (), "competitions": (), "posts": (), "bridge": ()}
    files: list[str] = []
    ladder_file = None
    for p in paths:
        path = Path(p)
        files.append(str(path))
        got = load_rulebook_text(path.read_text(encoding="utf-8"), path.name)
        for key, value in got.items():
            if key in ("ladder", "related"):
                if parts.get(key) is not None:
                    raise RulebookError(
                        path.name, "$", f"a second {key} file; only one is allowed (first: {ladder_file})"
                    )
                parts[key] = value
                ladder_file = path.name
            else:
                parts[key] = parts[key] + value
    if parts.get("ladder") is None:
        raise RulebookError(", ".join(files) or "<none>", "$", "no file of kind 'ladder' given")
    ids = [
        c.id
        for c in Rulebook(
            name,
            parts["ladder"],
            parts["overrides"],
            parts.get("related"),
            parts["competitions"],
            parts["posts"],
            parts["bridge"],
        ).clauses()
    ]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise RulebookError(", ".join(Path(f).name for f in files), "$", f"clause ids used twice: {dupes}")
    return Rulebook(
        name,
        parts["ladder"],
        parts["overrides"],
        parts.get("related"),
        parts["competitions"],
        parts["posts"],
        parts["bridge"],
        tuple(files),
    )


def load_rulebook(
    files: Sequence[str | Path] | None = None,
    *,
    directory: str | Path | None = None,
    replace: dict[str, str | Path] | None = None,
) -> Rulebook:
    """Load the shipped rulebook (or ``files``).

    Args:
        files: explicit paths; default is :data:`DEFAULT_FILES` in ``directory``.
        directory: where relative file names are looked up (default: the shipped rulebooks).
        replace: swap one default file for another, e.g. ``{"national-2018.yaml": "my.yaml"}``.
    """
    base = Path(directory) if directory else RULEBOOK_DIR
    if files is None:
        chosen = [replace.get(f, f) if replace else f for f in DEFAULT_FILES]
        name = "default" if not replace else "custom"
    else:
        chosen, name = list(files), "custom"
    return load_files([p if Path(p).is_absolute() else base / p for p in chosen], name)
