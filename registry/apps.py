from core.plugins import DomainConfig


class RegistryConfig(DomainConfig):
    name = "registry"
