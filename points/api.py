"""Points API (core: schemes, rule books, recording, review, standings, appeals, own summary)."""

from ninja import Router

router = Router(tags=["points"])
