"""Load the shipped GB/T 2260 divisions."""

from __future__ import annotations

import csv
from importlib import resources

from craftpath.orgs.models import Region


def sync_regions() -> int:
    if Region.objects.exists():
        return 0
    rows = []
    with resources.files("craftpath.data").joinpath("regions/cn_divisions.csv").open(encoding="utf-8") as fh:
        for rec in csv.DictReader(fh):
            depth = int(rec["deep"])
            parent = rec["parent_id"] if depth > 1 else ""
            rows.append(Region(code=rec["id"], name=rec["name"], parent_code=parent, depth=depth, pinyin=rec["pinyin"]))
    # The national level, for the federation's root.
    rows.append(
        Region(code="100000", name="中华人民共和国", parent_code="", depth=0, pinyin="Zhonghua Renmin Gongheguo")
    )
    Region.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    return len(rows)
