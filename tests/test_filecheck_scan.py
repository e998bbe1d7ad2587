"""The file check's faster scans find exactly what the plain regular expressions find."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from reports.filecheck import _DIMENSION, dimension_tags

PIECES = [b"<", b">", b"dimension", b" ", b"\n", b"x:", b"ns.a-b:", b'ref="', b"ref='", b'"', b"'", b"A1:M38",
          b"<dimension ", b"<x:dimension ", b"<dimensions ", b'ref="A1"/>', b"<sheetData>", b"=", b"1:"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=30))
def test_dimension_tags_are_the_regex_matches(pieces):
    data = b"".join(pieces)
    expected = [(m.start(), m.end(), m.group(1)) for m in _DIMENSION.finditer(data)]
    assert [(m.start(), m.end(), m.group(1)) for m in dimension_tags(data)] == expected


def test_dimension_tags_in_a_real_sheet_head_and_odd_places():
    sheet = (b'<worksheet xmlns="x"><dimension ref="A1:M38"/><sheetViews/>'
             b'<sheetData><row r="1"><c r="A1"/></row></sheetData><x:dimension  ref = \'B2\' /></worksheet>')
    assert [m.group(1) for m in dimension_tags(sheet)] == [b"A1:M38", b"B2"]
    inside = b'<dimension ref="<dimension ref=A2>"/>'  # a second tag inside the first one's value is not another
    assert [m.group(1) for m in dimension_tags(inside)] == [m.group(1) for m in _DIMENSION.finditer(inside)]
