"""A village's own figures for its villagers, without login (/public/<village code>/figures/): the indicators
declared public (their village's decisions taken, disputes settled, incidents resolved on time …) for this year so
far and last year, with their definitions. A share over too few cases is not published (in a small village one
or two cases point at a family): the page says so instead."""

from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone

from core.periods import Period, year_period
from core.views import public
from dashboards import selectors
from regions.selectors import public_village


def figures(request, village_code):
    village = public_village(village_code)
    today = timezone.localdate()
    this_year = Period(year_period(today.year).start, today)
    last_year = year_period(today.year - 1)
    now, before = selectors.public_lines(village, this_year), selectors.public_lines(village, last_year)
    rows = [{"indicator": indicator, "now": value, "before": before[n][1]} for n, (indicator, value) in enumerate(now)]
    return public(
        render(
            request,
            "dashboards/public.html",
            {"village": village, "rows": rows, "this_year": this_year, "last_year": last_year, "today": today},
        )
    )
