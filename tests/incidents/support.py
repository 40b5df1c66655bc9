"""Test data for the incident loop: the world of tests/factories.py plus a county catalogue, departments,
triage rules and photos."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from incidents import services
from incidents.models import Department, GridMatter, Level, Severity, TriageRule
from tests.factories import World, build_world

# a point inside grid A1-01's square (102.0–102.01, 26.0–26.01)
INSIDE_A1 = (26.005, 102.005)
OUTSIDE = (26.5, 102.5)


def photo(name: str = "photo.png", size=(640, 480), color=(200, 80, 40), fmt="PNG") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, fmt)
    content_type = {"PNG": "image/png", "JPEG": "image/jpeg"}[fmt]
    return SimpleUploadedFile(name, out.getvalue(), content_type=content_type)


def not_a_photo(name: str = "report.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 this is not an image", content_type="image/png")


@dataclass
class IncidentWorld:
    w: World
    roads: Department  # 县交通运输局
    environment: Department  # 县生态环境局
    water: Department  # 县水务局
    litter: GridMatter  # 环境卫生: village level
    pollution: GridMatter  # 环境污染: county level (environment), water assists
    dispute: GridMatter  # 邻里纠纷: village; urgent → township
    retired: GridMatter

    @property
    def users(self):
        return self.w.users


def build_incident_world() -> IncidentWorld:
    w = build_world()
    admin, county = w.users["county_admin"], w.county
    roads = services.department_save(actor=admin, county=county, name="县交通运输局", code="JT")
    environment = services.department_save(
        actor=admin, county=county, name="县生态环境局", code="HB", members=[w.users["department"]]
    )
    water = services.department_save(actor=admin, county=county, name="县水务局", code="SW")
    litter = services.matter_admit(actor=admin, county=county, code="HJ01", name="垃圾乱堆乱放", group="环境卫生")
    pollution = services.matter_admit(
        actor=admin,
        county=county,
        code="HJ02",
        name="河道污染",
        group="环境卫生",
        responsible=environment,
        assisting=[water],
    )
    dispute = services.matter_admit(actor=admin, county=county, code="MD01", name="邻里纠纷", group="矛盾纠纷")
    retired = services.matter_admit(actor=admin, county=county, code="OLD1", name="已退出事项", group="其他")
    services.matter_retire(actor=admin, matter=retired, reason="并入其他事项")
    services.rule_save(actor=admin, county=county, level=Level.VILLAGE, days=5, note="默认：小事不出村")
    services.rule_save(actor=admin, county=county, matter=pollution, level=Level.COUNTY, days=5)
    services.rule_save(
        actor=admin, county=county, matter=dispute, severity=Severity.URGENT, level=Level.TOWNSHIP, days=2
    )
    assert TriageRule.objects.count() == 3
    return IncidentWorld(w, roads, environment, water, litter, pollution, dispute, retired)
