import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aduan.lib.errors import InvalidInput
from aduan.reports.tracking import (
    check_digit,
    is_valid,
    tracking_number_display,
    tracking_number_new,
    tracking_number_parse,
)

bodies = st.text(alphabet="0123456789", min_size=9, max_size=9).filter(lambda s: s[0] != "0")


@given(bodies, st.integers(0, 9), st.integers(1, 9))
def test_any_single_wrong_digit_is_caught(body: str, position: int, shift: int) -> None:
    number = body + check_digit(body)
    wrong = str((int(number[position]) + shift) % 10)
    typo = number[:position] + wrong + number[position + 1 :]
    assert is_valid(number)
    assert not is_valid(typo)


@given(bodies, st.integers(0, 8))
def test_any_swap_of_two_neighbouring_digits_is_caught(body: str, position: int) -> None:
    number = body + check_digit(body)
    swapped = number[:position] + number[position + 1] + number[position] + number[position + 2 :]
    if swapped != number:
        assert not is_valid(swapped)


def test_new_numbers_are_ten_digits_valid_and_not_sequential() -> None:
    numbers = [tracking_number_new() for _ in range(200)]
    assert all(len(n) == 10 and n[0] != "0" and is_valid(n) for n in numbers)
    assert len(set(numbers)) == 200
    gaps = {abs(int(a) - int(b)) for a, b in itertools.pairwise(numbers)}
    assert min(gaps) > 1000  # nothing like a counter


def test_what_people_type_is_forgiven() -> None:
    number = tracking_number_new()
    grouped = tracking_number_display(number)
    assert grouped.replace(" ", "") == number
    for typed in (grouped, f"#{number}", f" {number[:4]}-{number[4:]} ", number):
        assert tracking_number_parse(typed) == number


@pytest.mark.parametrize("typed", ["", "123", "12345678901", "abcdefghij", "١٢٣٤٥٦٧٨٩٠", None])
def test_what_cannot_be_a_number_is_refused(typed: str | None) -> None:
    with pytest.raises(InvalidInput) as caught:
        tracking_number_parse(typed)  # type: ignore[arg-type]
    assert caught.value.code == "invalid_tracking_number"
