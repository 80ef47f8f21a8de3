"""The matrix as pure functions: levels, bands and the acceptance criterion, over every
method the form can describe (hypothesis draws them)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ume.risks import matrix
from ume.risks.matrix import Band, Method

steps = st.integers(min_value=matrix.MIN_STEPS, max_value=matrix.MAX_STEPS)


@st.composite
def methods(draw) -> Method:
    lk, im = draw(steps), draw(steps)
    top = lk * im
    low = draw(st.integers(0, top + 2))
    medium = draw(st.integers(0, top + 2))
    accept = draw(st.integers(0, top + 2))
    return Method(lk, im, low, medium, accept)


@st.composite
def valid_methods(draw) -> Method:
    lk, im = draw(steps), draw(steps)
    levels = sorted(matrix.reachable(lk, im))
    # Two cut points between reachable levels leave every band a cell.
    i = draw(st.integers(0, len(levels) - 3))
    j = draw(st.integers(i + 1, len(levels) - 2))
    accept = draw(st.integers(1, lk * im - 1))
    return Method(lk, im, levels[i], levels[j], accept)


def test_the_default_three_by_three():
    method = Method(3, 3, 2, 4, 4)
    assert [[c.level for c in row] for row in matrix.cells(method)] == [
        [3, 6, 9],
        [2, 4, 6],
        [1, 2, 3],
    ]
    assert [[c.band for c in row] for row in matrix.cells(method)] == [
        [Band.MEDIUM, Band.HIGH, Band.HIGH],
        [Band.LOW, Band.MEDIUM, Band.HIGH],
        [Band.LOW, Band.LOW, Band.MEDIUM],
    ]
    assert [c.accepted_by_owner for c in matrix.cells(method)[0]] == [True, False, False]
    assert matrix.errors(method) == {}


@given(valid_methods())
def test_every_band_of_a_valid_method_has_a_cell_and_every_cell_one_band(method):
    assert matrix.errors(method) == {}
    cells = [c for row in matrix.cells(method) for c in row]
    assert len(cells) == method.likelihood_steps * method.impact_steps
    assert {c.band for c in cells} == set(Band)
    for c in cells:
        assert c.level == c.likelihood * c.impact
        assert c.accepted_by_owner == (c.level <= method.acceptance_max)


@given(valid_methods(), st.data())
def test_a_higher_rating_never_lowers_the_level_or_its_band(method, data):
    order = list(Band)
    lk = data.draw(st.integers(1, method.likelihood_steps))
    im = data.draw(st.integers(1, method.impact_steps))
    here = matrix.level(method, lk, im)
    for up in ((min(lk + 1, method.likelihood_steps), im), (lk, min(im + 1, method.impact_steps))):
        there = matrix.level(method, *up)
        assert there >= here
        assert order.index(matrix.band(method, there)) >= order.index(matrix.band(method, here))


@given(methods())
def test_errors_name_exactly_the_bands_no_cell_reaches(method):
    found = matrix.errors(method)
    levels = matrix.reachable(method.likelihood_steps, method.impact_steps)
    bands = {matrix.band(method, v) for v in levels}
    assert ("low_max" in found) == (Band.LOW not in bands)
    assert ("medium_max" in found) == (Band.MEDIUM not in bands or Band.HIGH not in bands)
    assert ("acceptance_max" in found) == (not 1 <= method.acceptance_max < method.top)
    assert (found == {}) == (bands == set(Band) and 1 <= method.acceptance_max < method.top)


@pytest.mark.parametrize("lk,im", [(2, 3), (6, 3), (3, 0), (3, 6)])
def test_scales_outside_three_to_five_steps_are_refused(lk, im):
    found = matrix.errors(Method(lk, im, 2, 4, 4))
    assert set(found) == {
        f for f, n in (("likelihood_labels", lk), ("impact_labels", im)) if not 3 <= n <= 5
    }


@pytest.mark.parametrize("lk,im", [(0, 1), (4, 1), (1, 0), (1, 4)])
def test_a_rating_off_the_scale_is_an_error_not_a_level(lk, im):
    with pytest.raises(ValueError):
        matrix.level(Method(3, 3, 2, 4, 4), lk, im)


def test_a_gap_between_the_thresholds_is_refused():
    # 3 × 3 reaches 1, 2, 3, 4, 6, 9: nothing lies above 4 and up to 5.
    found = matrix.errors(Method(3, 3, 4, 5, 4))
    assert set(found) == {"medium_max"}
