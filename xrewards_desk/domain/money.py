"""Money and points (R5, R12, R18): EUR as Decimal with two places, points as int."""

from __future__ import annotations

from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
#: T4.1: one point is worth 0.01 EUR net, so 100 points are 1.00 EUR.
POINTS_PER_EUR = 100
DISCOUNT_FACTOR = Decimal("0.90")


class MoneyError(ValueError):
    """A value that is not an amount of EUR with at most two decimals."""


def to_money(value: Decimal | str | int) -> Decimal:
    """Parse an EUR amount exactly; refuses floats, NaN, infinities and fractions of a cent."""
    if isinstance(value, float):
        raise MoneyError("money must not be a float; pass a string such as '12.50'")
    if isinstance(value, bool):
        raise MoneyError("money must be a number of EUR, not a truth value")
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise MoneyError(f"{value!r} is not an amount of EUR") from exc
    if not amount.is_finite():
        raise MoneyError(f"{value!r} is not an amount of EUR")
    if amount != amount.quantize(CENT, rounding=ROUND_FLOOR):
        raise MoneyError(f"{value!r} has fractions of a cent")
    return amount.quantize(CENT)


def points_value(points: int) -> Decimal:
    """The EUR value of points (R12: 100 points = 1.00 EUR)."""
    return (Decimal(points) / POINTS_PER_EUR).quantize(CENT)


def max_points_for(amount: Decimal) -> int:
    """How many points pay `amount` in full (R12: 100 × the net value)."""
    return int(amount * POINTS_PER_EUR)


def points_for(base: Decimal, rate: int) -> int:
    """R8: floor(base × rate); only fractions of a point are dropped."""
    return int((base * rate).to_integral_value(rounding=ROUND_FLOOR))


def discounted(net: Decimal) -> Decimal:
    """R18: the net value after the invitee's 10 % code, rounded half up to cents."""
    return (net * DISCOUNT_FACTOR).quantize(CENT, rounding=ROUND_HALF_UP)


def discount_value(net: Decimal) -> Decimal:
    """R18: the code's value on an order of `net`: net − (net × 0.90 rounded half up)."""
    return net - discounted(net)


def format_eur(amount: Decimal) -> str:
    return f"{amount:,.2f} EUR"
