#!/usr/bin/env python3
"""Write a Traditional-character copy of a report, as a mirror site would
serve it (FORMS.md §1), for the tests that compare a report's findings with
its variants' (tests/variants.rs). Each Simplified character becomes the
first candidate of OpenCC's STCharacters.txt (Apache-2.0), one for one.

    python3 scripts/to_traditional.py IN OUT /tmp/occ/opencc_purepy/dicts/STCharacters.txt
"""
import sys

src, out, table = sys.argv[1:4]
st = {}
for line in open(table, encoding="utf-8"):
    key, values = line.rstrip("\n").split("\t")
    first = values.split(" ")[0]
    if len(key) == 1 and len(first) == 1:
        st[key] = first
text = open(src, encoding="utf-8").read()
open(out, "w", encoding="utf-8").write("".join(st.get(c, c) for c in text))
