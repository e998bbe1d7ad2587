"""The file check's faster scans find exactly what the plain regular expressions find."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from reports.filecheck import _DIMENSION, Limits, _Reject, _SheetState, dimension_tags

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


# ---- how far a sheet's cells reach: the scans against the one-by-one path --------------------------------

SPACES = [b" ", b"\t", b"\n", b"\r\n"]
LETTERS = [b"A", b"B", b"L", b"Z", b"AA", b"XFD", b"XFE", b"a"]
NUMBERS = [b"1", b"2", b"40", b"01", b"0", b"1048576", b"1048577"]


@st.composite
def address(draw, value: bytes) -> bytes:
    """An r attribute as programs write it (first, double quotes) or any other legal way; sometimes none."""
    form = draw(st.sampled_from(["first", "first", "first", "later", "single", "spaced", "none"]))
    space = draw(st.sampled_from(SPACES))
    return {"first": b' r="' + value + b'"', "later": space + b's="1"' + space + b'r="' + value + b'"',
            "single": space + b"r='" + value + b"'", "spaced": space + b'r = "' + value + b'"', "none": b""}[form]


@st.composite
def sheet_data(draw) -> bytes:
    prefix = draw(st.sampled_from([b"", b"", b"x:"]))
    out = [b"<" + prefix + b"sheetData>"]
    for _ in range(draw(st.integers(0, 6))):
        row = draw(st.sampled_from(NUMBERS))
        attrs = draw(address(row))
        if attrs and not attrs.startswith(b' r="'):  # a name followed by other whitespace
            attrs = draw(st.sampled_from(SPACES)) + attrs.lstrip(b" ")
        cells = []
        for _ in range(draw(st.integers(0, 4))):
            ref = draw(st.sampled_from(LETTERS)) + draw(st.sampled_from([row, *NUMBERS]))
            cell = b"<" + prefix + b"c" + draw(address(ref))
            cells.append(cell + draw(st.sampled_from([b"/>", b"><v>1</v></" + prefix + b"c>", b' t="s"><v>0</v></'
                                                      + prefix + b"c>"])))
        out.append(b"<" + prefix + b"row" + attrs + (b">" + b"".join(cells) + b"</" + prefix + b"row>" if cells
                                                     else b"/>"))
    out.append(b"</" + prefix + b"sheetData>")
    return b"".join(out)


def extent_or_refusal(feed) -> tuple:
    state = _SheetState()
    try:
        feed(state)
    except _Reject:
        return ("refused",)
    return state.extent.rows, state.extent.columns


@settings(max_examples=600, deadline=None)
@given(sheet_data(), st.integers(0, 10_000))
def test_the_scans_measure_what_the_tag_by_tag_path_measures(data, cut):
    """Whatever the tags look like, and wherever a chunk ends, the extent (or the refusal) is the same."""
    limits = Limits(max_sheet_cells=2_000_000)
    exact = extent_or_refusal(lambda s: s._exact(data, "sheet.xml", limits) or s._check_area("sheet.xml", limits))
    assert extent_or_refusal(lambda s: s.feed(data, "sheet.xml", limits)) == exact
    ends = [i + 1 for i, b in enumerate(data) if b == ord(">")]
    at = ends[cut % len(ends)]  # chunks end after a whole tag, as the scan hands them over
    assert extent_or_refusal(lambda s: (s.feed(data[:at], "sheet.xml", limits),
                                        s.feed(data[at:], "sheet.xml", limits))) == exact
