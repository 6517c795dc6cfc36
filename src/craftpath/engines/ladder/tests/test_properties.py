"""Invariants: more years never hurt; a new certificate never delays the earliest date."""

from __future__ import annotations

import datetime as dt

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from craftpath.engines.ladder.evaluate import evaluate
from craftpath.engines.ladder.inputs import LadderInputs
from craftpath.engines.rules import load_rulebook

RULEBOOK = load_rulebook()
AS_OF = dt.date(2025, 6, 30)
OCCS = ["6-18-02-04", "6-18-02-01", "6-31-01-02", "6-31-01-03", "4-09-09-00"]
day = st.dates(min_value=dt.date(2000, 1, 1), max_value=AS_OF)
history = st.tuples(st.sampled_from(OCCS), day, st.one_of(st.none(), st.integers(0, 4000)))
cert = st.tuples(st.sampled_from(OCCS), st.integers(0, 4), day)


def _inputs(histories: list[tuple[str, dt.date, int | None]], certs: list[tuple[str, int, dt.date]]) -> LadderInputs:
    return LadderInputs.build(
        members=[{"member_id": 1, "birth_date": dt.date(1970, 1, 1)}],
        histories=[
            {
                "member_id": 1,
                "occupation_code": o,
                "start": s,
                "end": None if n is None else min(s + dt.timedelta(days=n), AS_OF),
            }
            for o, s, n in histories
        ],
        certificates=[
            {"member_id": 1, "occupation_code": o, "grade": g, "issued_on": d, "how": "assessment"} for o, g, d in certs
        ],
    )


def _key(df: pl.DataFrame) -> dict[tuple[str, int], tuple[bool, dt.date | None]]:
    return {
        (r["occupation_code"], r["target_grade"]): (r["eligible"], r["earliest_date"]) for r in df.iter_rows(named=True)
    }


@settings(max_examples=30, deadline=None)
@given(
    st.lists(history, min_size=1, max_size=4), st.lists(cert, max_size=3), st.integers(1, 3000), st.sampled_from(OCCS)
)
def test_more_years_never_less_eligible(histories: list, certs: list, extra_days: int, occ: str) -> None:
    before = _key(evaluate(_inputs(histories, certs), RULEBOOK, AS_OF))
    start = AS_OF - dt.timedelta(days=extra_days)
    after = _key(evaluate(_inputs([*histories, (occ, start, None)], certs), RULEBOOK, AS_OF))
    for k, (elig, earliest) in before.items():
        elig2, earliest2 = after[k]
        assert elig2 or not elig, f"{k} lost eligibility"
        if earliest is not None:
            assert earliest2 is not None, f"{k} became unreachable"
            assert earliest2 <= earliest, f"{k} got later: {earliest} -> {earliest2}"


@settings(max_examples=30, deadline=None)
@given(st.lists(history, max_size=4), st.lists(cert, min_size=1, max_size=3), cert)
def test_adding_a_certificate_never_delays(histories: list, certs: list, new: tuple) -> None:
    before = _key(evaluate(_inputs(histories, certs), RULEBOOK, AS_OF))
    after = _key(evaluate(_inputs(histories, [*certs, new]), RULEBOOK, AS_OF))
    for k, (elig, earliest) in before.items():
        if k not in after:  # the new certificate is at or above this target: nothing left to wait for
            continue
        elig2, earliest2 = after[k]
        assert elig2 or not elig
        if earliest is not None:
            assert earliest2 is not None
            assert earliest2 <= earliest
