from core.plugins import DomainConfig


class AccountsConfig(DomainConfig):
    name = "accounts"
