"""Schemathesis against /api/openapi.json, in-process through the WSGI application, as the county administrator and
as a villager (bearer tokens from POST /api/auth/token): no operation answers 5xx, and every answer whose status
the schema documents matches its documented body and content type.

Bounded and deterministic: a fixed seed, derandomized Hypothesis, a few examples per operation, no example
database, no shrinking; both positive and negative data (control characters, numbers out of range, wrong types).
Every operation is tested; nothing is excluded (the one allowance, below, is for negative data that cannot exist).
"""

import io
import re
from collections import Counter
from contextlib import contextmanager

import pytest
import schemathesis
from django.core import signals
from django.core.management import call_command
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

MAX_EXAMPLES = 6
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]

# Each operation is fuzzed directly (Hypothesis over ``operation.as_strategy``) with positive and negative data, so
# the run is bounded by MAX_EXAMPLES per operation and mode; schemathesis' coverage phase (every boundary of every
# parameter, thousands of requests) and stateful phase are not run. NUL is generated in strings (allow-x00).
CONFIG = SchemathesisConfig.from_dict(
    {
        "seed": 20261207,
        "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True, "database": "none", "allow-x00": True},
    }
)


USERS = ["county_admin", "villager"]  # the demo's accounts (seed_demo)


@contextmanager
def _connection_kept():
    """The WSGI application closes the database connection after each request (``close_old_connections``), which
    would end the test's transaction; Django's own test client disconnects it the same way around each request
    (and connects it again after, so this wraps only the schemathesis requests)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _first_lines(exc, n=12) -> str:
    text = "\n".join(str(e) for e in getattr(exc, "exceptions", None) or [exc])
    return "\n    ".join(text.strip().splitlines()[:n])


# Path parameters that name a row: the model it is, by the parameter and the path's first segment after /api/.
_ROWS = {
    "household_id": "registry.Household",
    "person_id": "registry.Person",
    "org_id": "registry.Organization",
    "branch_id": "registry.PartyBranch",
    ("member_id", "party-branches"): "registry.PartyMember",
    ("member_id", "meetings"): "meetings.RosterMember",
    "grid_id": "regions.Grid",
    "staff_id": "regions.GridStaff",
    "user_id": "accounts.User",
    ("assignment_id", "accounts"): "accounts.RoleAssignment",
    ("assignment_id", "finance"): "finance.PostAssignment",
    "scheme_id": "points.Scheme",
    "rulebook_id": "points.RuleBook",
    ("entry_id", "points"): "points.LedgerEntry",
    ("entry_id", "finance"): "finance.LedgerEntry",
    ("entry_id", "deliberation"): "deliberation.ListEntry",
    "mentorship_id": "points.Mentorship",
    "shop_id": "points.Shop",
    "good_id": "points.Good",
    "redemption_id": "points.Redemption",
    "consent_id": "points.Consent",
    "partner_id": "points.CreditPartner",
    "notice_id": "transparency.Notice",
    ("attachment_id", "transparency"): "transparency.NoticeAttachment",
    ("attachment_id", "incidents"): "casework.CaseAttachment",
    "incident_id": "incidents.Incident",
    "matter_id": "incidents.GridMatter",
    "department_id": "incidents.Department",
    "rule_id": "incidents.TriageRule",
    "category_id": "finance.Category",
    "expense_id": "finance.Expense",
    "disclosure_id": "finance.MonthlyDisclosure",
    "meeting_id": "meetings.Meeting",
    "motion_id": "meetings.Motion",
    "delegation_id": "meetings.Delegation",
    "rules_id": "deliberation.RulesVersion",
    "topic_id": "deliberation.Topic",
    "poll_id": "deliberation.Poll",
    "decision_id": "deliberation.Decision",
    "task_id": "deliberation.Task",
    "power_id": "powers.Power",
    ("case_id", "powers"): "powers.PowerCase",
    ("case_id", "casework"): "incidents.Incident",
    "objection_id": "powers.Objection",
}


def _existing_path_parameters(operation, county) -> dict | None:
    """Path parameters naming rows that exist (the demo's), so the answers with a body are checked too; None when
    a row of that kind does not exist."""
    from django.apps import apps
    from django.utils import timezone

    from regions.models import Region, RegionLevel

    app = operation.path.split("/")[2]
    village = Region.objects.filter(county=county, level=RegionLevel.VILLAGE).order_by("code").first()
    today = timezone.localdate()
    values = {}
    for name in re.findall(r"\{(\w+)\}", operation.path):
        if name in ("village_id", "region_id"):
            values[name] = village.pk
        elif name == "county_id":
            values[name] = county.pk
        elif name == "village_code":
            values[name] = village.code
        elif name in ("year", "month", "quarter", "day"):
            values[name] = {"year": today.year, "month": today.month, "quarter": (today.month - 1) // 3 + 1}.get(
                name, today.isoformat()
            )
        elif name == "flow":
            values[name] = "incident"
        elif name == "step":
            values[name] = "accept"
        elif name == "field":
            values[name] = "phone"
        elif name == "number":
            values[name] = "0001"
        elif name == "subject":
            topic = apps.get_model("deliberation.Topic").objects.order_by("pk").first()
            values[name] = f"deliberation.topic:{topic.pk if topic else 1}"
        else:
            label = _ROWS.get((name, app)) or _ROWS.get(name)
            row = apps.get_model(label).objects.order_by("pk").first() if label else None
            if row is None:
                return None
            values[name] = row.pk
    return values


@pytest.mark.parametrize("username", USERS)
def test_api_answers_as_documented(demo_county, username):
    from accounts.models import User
    from accounts.services import api_token_issue

    headers = {"Authorization": f"Bearer {api_token_issue(actor=User.objects.get(username=username))}"}
    with _connection_kept():
        failures, operations, answered = _run_all(headers, demo_county)
    assert operations > 200
    # Not only refusals: existing rows are read and changed, and their bodies checked against the schema.
    assert answered["2xx"] > 100, answered
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures)


@pytest.fixture
def demo_county(db):
    """The demo's county (``seed_demo``: villages, households, cases of every module), so that existing rows are
    read and changed, not only missing ones."""
    from regions.models import Region, RegionLevel

    call_command("seed_demo", stdout=io.StringIO())
    return Region.objects.filter(level=RegionLevel.COUNTY).order_by("pk").first()


def _run_all(headers, county) -> tuple[list[str], int, Counter]:
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application(), config=CONFIG)
    failures = []
    answered = Counter()
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        existing = _existing_path_parameters(operation, county) if "{" in operation.path else None
        passes = [(GenerationMode.POSITIVE, None), (GenerationMode.NEGATIVE, None)]
        if existing:
            passes.append((GenerationMode.POSITIVE, existing))
        for mode, path_parameters in passes:

            @settings(
                max_examples=MAX_EXAMPLES,
                derandomize=True,
                database=None,
                deadline=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            @given(case=operation.as_strategy(generation_mode=mode, path_parameters=path_parameters))
            def run(case):
                # Each request in a savepoint: what it writes stays for the next ones, unless it failed (a database
                # error would otherwise leave the test's transaction unusable and fail every later operation).
                with transaction.atomic():
                    response = case.call(headers=headers)
                    if response.status_code >= 500:
                        transaction.set_rollback(True)
                answered[f"{response.status_code // 100}xx"] += 1
                case.validate_response(response, checks=CHECKS)

            label = f"{operation.label} ({mode}{', existing rows' if path_parameters else ''})"
            try:
                run()
            except Unsatisfiable:
                # Negative data only: an operation whose parameters accept any value has no invalid input to send
                # (Hypothesis finds none and says so). Positive data is always generated.
                if mode is not GenerationMode.NEGATIVE:
                    raise
            except (Exception, BaseExceptionGroup) as exc:  # every operation runs; the failures are reported together
                failures.append(f"{label}: {_first_lines(exc)}")
    return failures, operations, answered
