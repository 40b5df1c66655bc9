"""Bounded numbers for the API: every number a client sends (path, query or body) has a range in the schema.

A number out of its range is refused by django-ninja with a 422 and a message, before any code runs: a year of
10000 or a page past the end of a bigint never reaches ``date()``, an OFFSET or the database (they answered 500).
Use these in signatures (``household_id: Id``, ``year: Year | None = None``) and input schemas; a field with its
own domain range declares it where it is (``Annotated[int, Field(ge=1, le=60)]``), with these bounds in mind.
``tests/core/test_api_ranges.py`` walks the OpenAPI schema and fails on a number without both bounds.
"""

from decimal import Decimal
from typing import Annotated

from pydantic import Field

MAX_ID = 2**63 - 1  # a BigAutoField primary key
MAX_INT = 2**31 - 1  # an IntegerField column (PostgreSQL integer)
MIN_YEAR, MAX_YEAR = 2000, 2100  # the platform's years (the calendar page keeps the same range)
MAX_PAGE = 100_000
MAX_PAGE_SIZE = 100

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Year = Annotated[int, Field(ge=MIN_YEAR, le=MAX_YEAR)]
Quarter = Annotated[int, Field(ge=1, le=4)]
Month = Annotated[int, Field(ge=1, le=12)]
Page = Annotated[int, Field(ge=1, le=MAX_PAGE)]
PageSize = Annotated[int, Field(ge=1, le=MAX_PAGE_SIZE)]
Limit = Annotated[int, Field(ge=1, le=MAX_PAGE_SIZE)]
# The version of a row a client saw (optimistic locking): a counter from 0.
Version = Annotated[int, Field(ge=0, le=MAX_INT)]
# Days a rule gives (working days to answer, days on notice, days of publicity): up to a year.
Days = Annotated[int, Field(ge=0, le=366)]
# A count of people or households (a quorum's totals, co-signers): never above a county's population.
Count = Annotated[int, Field(ge=0, le=10_000_000)]
# A stock or quantity of goods (a PositiveIntegerField).
Quantity = Annotated[int, Field(ge=0, le=MAX_INT)]
# Points as the ledger keeps them (9 digits, 2 decimals: a rule item, a base score, a price, a list's value) and a
# sum of yuan kept the same way (an award).
MAX_9_2 = Decimal("9999999.99")
Points = Annotated[Decimal, Field(ge=-MAX_9_2, le=MAX_9_2)]
Yuan9 = Annotated[Decimal, Field(ge=0, le=MAX_9_2)]
# A party score out of 100 (an evaluation, a warning line).
Score100 = Annotated[Decimal, Field(ge=0, le=100)]
# A region's code (Region.code: at most 32 characters), as the public pages without login name a village.
RegionCode = Annotated[str, Field(min_length=1, max_length=32)]
Latitude = Annotated[float, Field(ge=-90, le=90)]
Longitude = Annotated[float, Field(ge=-180, le=180)]
