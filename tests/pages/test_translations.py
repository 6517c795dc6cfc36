"""The Chinese catalogue is complete and the committed .mo matches the .po (no gettext needed)."""

from __future__ import annotations

import ast
import gettext
from pathlib import Path

import craftpath

LOCALE = Path(craftpath.__file__).parent / "locale" / "zh_Hans" / "LC_MESSAGES"


def _entries() -> list[dict[str, object]]:
    """A small .po reader: msgctxt, msgid, msgid_plural, msgstr / msgstr[0], flags."""
    entries: list[dict[str, object]] = []
    current: dict[str, object] = {}
    key = ""
    for line in [*(LOCALE / "django.po").read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if "msgid" in current:
                entries.append(current)
            current, key = {}, ""
        elif line.startswith("#~"):
            continue
        elif line.startswith("#,"):
            current["flags"] = line[2:].strip()
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            current[key] = str(current[key]) + ast.literal_eval(line)
        else:
            key, _, rest = line.partition(" ")
            current[key] = ast.literal_eval(rest)
    return entries


def test_every_message_is_translated_and_none_is_fuzzy() -> None:
    entries = [e for e in _entries() if e["msgid"]]
    assert len(entries) > 200
    untranslated = [e["msgid"] for e in entries if not (e.get("msgstr") or e.get("msgstr[0]"))]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in str(e.get("flags", ""))]
    assert untranslated == []
    assert fuzzy == []


def test_compiled_catalogue_matches_the_source() -> None:
    with (LOCALE / "django.mo").open("rb") as fh:
        catalogue = gettext.GNUTranslations(fh)
    for e in _entries():
        if not e["msgid"]:
            continue
        msgid = str(e["msgid"])
        if "msgctxt" in e:
            got = catalogue.pgettext(str(e["msgctxt"]), msgid)
            want = e["msgstr"]
        elif "msgid_plural" in e:
            got = catalogue.ngettext(msgid, str(e["msgid_plural"]), 1)
            want = e["msgstr[0]"]
        else:
            got = catalogue.gettext(msgid)
            want = e["msgstr"]
        assert got == want, f"django.mo is stale for {msgid!r}; run manage.py compilemessages"
