"""Demand forecasts per SKU from daily units sold, with their error on a hold-out.

Candidates, each fitted on the history less the hold-out (the last
``holdout`` days) and scored there by the mean absolute error (WAPE, the sum
of absolute errors over the sum of actual units, is reported beside it):

- simple exponential smoothing (level only);
- Holt's linear trend (level and trend, the trend damped);
- Holt-Winters with an additive weekly season, when there are at least three
  weeks of history;
- Croston's method with the Syntetos-Boylan correction, for intermittent
  demand (most days without a sale).

The best candidate is fitted again on the whole history and forecasts the
next ``horizon`` days; weekly figures are sums of seven days. Smoothing
constants are chosen from a small grid by the one-step-ahead squared error
on the training days, so the result is deterministic.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal

import attrs

from orderkit.reports.table import Column, ReportTable

__all__ = ["DemandForecast", "forecast_demand", "forecast_table"]

_GRID = (0.1, 0.2, 0.3, 0.5, 0.7, 0.9)
_TREND_GRID = (0.05, 0.1, 0.2, 0.4)
_DAMPING = 0.9
_SEASON = 7

Fitted = tuple[float, Callable[[int], list[float]]]
"""The one-step-ahead squared error on the training days, and the forecaster it fitted."""


def _ses(series: Sequence[float], alpha: float) -> Fitted:
    level = series[0]
    error = 0.0
    for value in series[1:]:
        error += (value - level) ** 2
        level = alpha * value + (1 - alpha) * level
    final = level
    return error, lambda horizon: [final] * horizon


def _holt(series: Sequence[float], alpha: float, beta: float) -> Fitted:
    level, trend = series[0], (series[1] - series[0]) if len(series) > 1 else 0.0
    error = 0.0
    for value in series[1:]:
        predicted = level + _DAMPING * trend
        error += (value - predicted) ** 2
        previous = level
        level = alpha * value + (1 - alpha) * predicted
        trend = beta * (level - previous) + (1 - beta) * _DAMPING * trend
    final_level, final_trend = level, trend

    def ahead(horizon: int) -> list[float]:
        out, damp, total = [], _DAMPING, 0.0
        for _ in range(horizon):
            total += damp * final_trend
            damp *= _DAMPING
            out.append(final_level + total)
        return out

    return error, ahead


def _holt_winters(series: Sequence[float], alpha: float, beta: float, gamma: float) -> Fitted:
    season = [0.0] * _SEASON
    first_week = series[:_SEASON]
    level = sum(first_week) / _SEASON
    second_week = series[_SEASON : 2 * _SEASON]
    trend = (sum(second_week) / _SEASON - level) / _SEASON
    for index in range(_SEASON):
        season[index] = first_week[index] - level
    error = 0.0
    for step in range(_SEASON, len(series)):
        value = series[step]
        position = step % _SEASON
        predicted = level + _DAMPING * trend + season[position]
        error += (value - predicted) ** 2
        previous = level
        level = alpha * (value - season[position]) + (1 - alpha) * (level + _DAMPING * trend)
        trend = beta * (level - previous) + (1 - beta) * _DAMPING * trend
        season[position] = gamma * (value - level) + (1 - gamma) * season[position]
    final_level, final_trend, final_season, start = level, trend, list(season), len(series)

    def ahead(horizon: int) -> list[float]:
        out, damp, total = [], _DAMPING, 0.0
        for step in range(horizon):
            total += damp * final_trend
            damp *= _DAMPING
            out.append(final_level + total + final_season[(start + step) % _SEASON])
        return out

    return error, ahead


def _croston(series: Sequence[float], alpha: float) -> Fitted:
    """Croston's method, Syntetos-Boylan corrected: demand size over the interval between sales."""
    size = interval = None
    gap = 1
    error = 0.0
    for value in series:
        if size is not None and interval is not None:
            error += (value - (1 - alpha / 2) * size / interval) ** 2
        if value > 0:
            if size is None or interval is None:
                size, interval = value, float(gap)
            else:
                size = alpha * value + (1 - alpha) * size
                interval = alpha * gap + (1 - alpha) * interval
            gap = 1
        else:
            gap += 1
    rate = 0.0 if size is None or interval is None else (1 - alpha / 2) * size / interval
    return error, lambda horizon: [rate] * horizon


def _candidates(series: Sequence[float]) -> dict[str, Fitted]:
    """The best-fitting variant of each method the history allows."""
    found: dict[str, Fitted] = {}

    def keep(name: str, fitted: Fitted) -> None:
        if name not in found or fitted[0] < found[name][0]:
            found[name] = fitted

    for alpha in _GRID:
        keep("simple exponential smoothing", _ses(series, alpha))
        if any(value == 0 for value in series):
            keep("croston", _croston(series, alpha))
        if len(series) >= 2:
            for beta in _TREND_GRID:
                keep("holt", _holt(series, alpha, beta))
        if len(series) >= 3 * _SEASON:
            for beta in _TREND_GRID[:2]:
                for gamma in (0.1, 0.3):
                    keep("holt-winters weekly", _holt_winters(series, alpha, beta, gamma))
    return found


def _wape(actual: Sequence[float], predicted: Sequence[float]) -> Decimal | None:
    total = sum(actual)
    if total <= 0:
        return None
    error = sum(abs(a - p) for a, p in zip(actual, predicted, strict=True))
    return Decimal(str(round(error / total, 4)))


@attrs.frozen(slots=True, kw_only=True)
class DemandForecast:
    """A SKU's expected daily and weekly demand.

    Attributes:
        sku: The SKU.
        method: The method that did best on the hold-out.
        daily: Units expected each day of the horizon (two decimals, never below zero).
        weekly: Units expected each full week of the horizon.
        holdout_days: The days held out to measure the error (0: too little history).
        holdout_wape: Sum of absolute errors / units sold on the hold-out days;
            ``None`` when nothing sold there (or nothing was held out).
        holdout_mae: Mean absolute error per hold-out day, in units.
        errors: Each candidate method's hold-out WAPE, for comparison.
    """

    sku: str
    method: str
    daily: tuple[Decimal, ...]
    weekly: tuple[Decimal, ...]
    holdout_days: int
    holdout_wape: Decimal | None
    holdout_mae: Decimal | None
    errors: tuple[tuple[str, Decimal | None], ...]

    @property
    def daily_average(self) -> Decimal:
        """The mean daily demand over the horizon: what replenishment plans with."""
        if not self.daily:
            return Decimal(0)
        return (sum(self.daily, Decimal(0)) / len(self.daily)).quantize(Decimal("0.01"))


def _units(values: Sequence[float]) -> tuple[Decimal, ...]:
    return tuple(Decimal(str(round(max(value, 0.0), 2))) for value in values)


def forecast_demand(
    sku: str, daily_units: Sequence[int], *, horizon: int = 28, holdout: int = 14
) -> DemandForecast:
    """Forecast one SKU's demand from its units sold per day, oldest first.

    With fewer than ``2 * holdout`` days of history nothing is held out and
    simple exponential smoothing (or Croston's method for mostly empty
    days) is used.

    Examples:
        >>> steady = forecast_demand("MUG", [3] * 60, horizon=7)
        >>> steady.daily[0], steady.holdout_wape
        (Decimal('3.0'), Decimal('0.0'))
    """
    series = [float(value) for value in daily_units]
    if not series:
        return DemandForecast(
            sku=sku,
            method="none",
            daily=(Decimal(0),) * horizon,
            weekly=(Decimal(0),) * (horizon // 7),
            holdout_days=0,
            holdout_wape=None,
            holdout_mae=None,
            errors=(),
        )
    held = holdout if len(series) >= 2 * holdout and holdout > 0 else 0
    errors: dict[str, Decimal | None] = {}
    maes: dict[str, Decimal] = {}
    if held:
        training, actual = series[:-held], series[-held:]
        for name, (_, ahead) in _candidates(training).items():
            predicted = [max(value, 0.0) for value in ahead(held)]
            errors[name] = _wape(actual, predicted)
            mae = sum(abs(a - p) for a, p in zip(actual, predicted, strict=True)) / held
            maes[name] = Decimal(str(round(mae, 3)))
        best = min(maes, key=lambda name: (maes[name], name))
    else:
        intermittent = sum(1 for value in series if value == 0) / len(series) > 0.5
        best = "croston" if intermittent else "simple exponential smoothing"
    fits = _candidates(series)
    if best not in fits:  # a method the training days allowed and the whole history does not
        best = "simple exponential smoothing"
    fitted = fits[best]
    daily = _units(fitted[1](horizon))
    weekly = tuple(sum(daily[week * 7 : week * 7 + 7], Decimal(0)) for week in range(horizon // 7))
    return DemandForecast(
        sku=sku,
        method=best,
        daily=daily,
        weekly=weekly,
        holdout_days=held,
        holdout_wape=errors.get(best),
        holdout_mae=maes.get(best),
        errors=tuple(sorted(errors.items())),
    )


def forecast_table(forecasts: Sequence[DemandForecast]) -> ReportTable:
    """One row per SKU: the method chosen, expected units and the hold-out error."""
    columns = (
        Column("sku", "SKU"),
        Column("method", "Method"),
        Column("daily_average", "Units per day"),
        Column("next_week", "Units next week"),
        Column("horizon_units", "Units over the horizon"),
        Column("holdout_days", "Hold-out days"),
        Column("holdout_wape", "Hold-out WAPE"),
        Column("holdout_mae", "Hold-out MAE"),
    )
    rows = tuple(
        (
            forecast.sku,
            forecast.method,
            str(forecast.daily_average),
            str(forecast.weekly[0]) if forecast.weekly else None,
            str(sum(forecast.daily, Decimal(0))),
            forecast.holdout_days,
            forecast.holdout_wape,
            None if forecast.holdout_mae is None else str(forecast.holdout_mae),
        )
        for forecast in forecasts
    )
    return ReportTable(
        "Demand forecasts",
        columns,
        rows,
        ("WAPE: absolute errors over units sold on the hold-out days (a fraction).",),
    )
