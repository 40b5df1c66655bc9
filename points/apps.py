from core.plugins import DomainConfig


class PointsConfig(DomainConfig):
    name = "points"
