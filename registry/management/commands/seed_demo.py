"""Demo data that looks real: one county, 2 townships, 6 villages, ~1,500 households, an account per role.

Idempotent: a second run changes nothing but makes sure every demo account exists with its
password. ``--accounts-json`` prints the demo accounts as JSON and nothing else.
"""

import json
from importlib import import_module
from importlib.util import find_spec

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts import services as account_services
from accounts.models import User
from core import audit
from core.roles import Role
from regions.models import Grid, GridStaff, GridStaffRole, Region, RegionLevel
from registry.generation import CountyGenerator
from registry.models import Household

DEMO_COUNTY_CODE = "510422"
DEMO_PASSWORD = "Demo@2026"


LATER_DEMOS = [
    m
    for m in (
        "committees.demo",
        "finance.demo",
        "meetings.demo",
        "deliberation.demo",
        "powers.demo",
        "mediation.demo",
        "doorstep.demo",
        "customs.demo",
        "visits.demo",
        "mutualaid.demo",
        "inspections.demo",
        "targets.demo",
        "honours.demo",
    )
    if find_spec(m)
]


def demo_accounts(county: Region) -> list[dict]:
    """The demo accounts: one for every role, in the first village or township where it applies."""
    township = Region.objects.filter(level=RegionLevel.TOWNSHIP, county=county).order_by("code").first()
    village = Region.objects.filter(level=RegionLevel.VILLAGE, township=township).order_by("code").first()
    other_village = (
        Region.objects.filter(level=RegionLevel.VILLAGE, county=county)
        .exclude(township=township)
        .order_by("code")
        .first()
    )
    grid = Grid.objects.filter(village=village).order_by("code").first()
    household = Household.objects.filter(village=village, grid=grid).order_by("number").first()
    return [
        {"username": "county_admin", "name": "县管理员", "role": Role.COUNTY_ADMIN, "region": county},
        {"username": "county_official", "name": "县领导", "role": Role.COUNTY_OFFICIAL, "region": county},
        {"username": "department", "name": "县民政局干部", "role": Role.DEPARTMENT_STAFF, "region": county},
        {"username": "township", "name": "镇干部", "role": Role.TOWNSHIP_OFFICIAL, "region": township},
        {"username": "township_head", "name": "镇长", "role": Role.TOWNSHIP_OFFICIAL, "region": township},
        {"username": "mediator", "name": "调解员", "role": Role.MEDIATOR, "region": township},
        {"username": "cadre", "name": "村支书", "role": Role.VILLAGE_CADRE, "region": village},
        {"username": "clerk", "name": "村文书", "role": Role.VILLAGE_CADRE, "region": village},
        {"username": "cadre2", "name": "邻镇村干部", "role": Role.VILLAGE_CADRE, "region": other_village},
        {"username": "reviewer", "name": "评议小组成员", "role": Role.REVIEWER, "region": village},
        {"username": "supervisor", "name": "监委会主任", "role": Role.VILLAGE_SUPERVISOR, "region": village},
        {"username": "gridworker", "name": "网格员", "role": Role.GRID_WORKER, "region": village, "grid": grid},
        {
            "username": "villager",
            "name": household.head_name if household else "村民",
            "role": Role.VILLAGER,
            "region": village,
            "household": household,
        },
    ]


class Command(BaseCommand):
    help = "Load demo data (idempotent) and print the demo accounts."

    def add_arguments(self, parser):
        parser.add_argument("--accounts-json", action="store_true", help="Print the demo accounts as JSON only.")
        parser.add_argument("--households", type=int, default=1500)

    def handle(self, *args, accounts_json=False, households=1500, **options):
        county = Region.objects.filter(code=DEMO_COUNTY_CODE).first()
        if county is None:
            with transaction.atomic():
                result = CountyGenerator(seed=2026, county_name="米易县", county_code=DEMO_COUNTY_CODE).build(
                    townships=2, villages_per_township=3, households=households
                )
                audit.record(
                    None,
                    "system.seed_demo",
                    result.county,
                    note=f"{result.households} households, {result.people} residents",
                )
            county = result.county
            if not accounts_json:
                self.stdout.write(f"Created {result.households} households and {result.people} residents.")
        accounts = self._ensure_accounts(county)
        from points.demo import seed_points

        approved = seed_points(
            county, cadre=User.objects.get(username="cadre"), reviewer=User.objects.get(username="reviewer")
        )
        if approved and not accounts_json:
            self.stdout.write(f"Points: {approved} reviewed entries in the first village's civility scheme.")
        from transparency.demo import seed_transparency

        notices = seed_transparency(
            county,
            cadre=User.objects.get(username="cadre"),
            reviewer=User.objects.get(username="reviewer"),
            villager=User.objects.get(username="villager"),
        )
        if notices and not accounts_json:
            self.stdout.write(
                f"Transparency: {notices} notices (三务公开) with villagers' questions in the first village."
            )
        from incidents.demo import seed_incidents

        cases = seed_incidents(county)
        if cases and not accounts_json:
            self.stdout.write(f"Incidents: the catalogue of grid matters and {cases} cases in every state of the loop.")
        for module in LATER_DEMOS:
            # Each later module keeps its demo data in <app>/demo.py: seed(county) -> a line for the console or "".
            line = import_module(module).seed(county)
            if line and not accounts_json:
                self.stdout.write(line)
        if accounts_json:
            self.stdout.write(json.dumps(accounts, ensure_ascii=False))
            return
        self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
        for a in accounts:
            self.stdout.write(f"  {a['username']:<16} {a['role']:<18} {a['region']}")

    @transaction.atomic
    def _ensure_accounts(self, county):
        out = []
        for spec in demo_accounts(county):
            user = User.objects.filter(username=spec["username"]).first()
            if user is None:
                user = account_services.user_create(
                    actor=None,
                    username=spec["username"],
                    password=DEMO_PASSWORD,
                    display_name=spec["name"],
                    is_system=True,
                )
            elif not user.check_password(DEMO_PASSWORD):
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
            account_services.role_assign(
                actor=None,
                user=user,
                role=spec["role"],
                region=spec["region"],
                grid=spec.get("grid"),
                household=spec.get("household"),
                is_system=True,
            )
            if spec["role"] == Role.GRID_WORKER and spec.get("grid"):
                GridStaff.objects.get_or_create(
                    grid=spec["grid"], user=user, defaults={"name": spec["name"], "role": GridStaffRole.LEADER}
                )
            if spec["role"] == Role.VILLAGER and spec.get("household"):
                head = spec["household"].members.order_by("id").first()
                if head and head.user_id is None:
                    head.user = user
                    head.save(update_fields=["user"])
            region = spec.get("grid") or spec.get("household") or spec["region"]
            out.append(
                {"username": spec["username"], "password": DEMO_PASSWORD, "role": spec["role"], "region": str(region)}
            )
        return out
