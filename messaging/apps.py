from core.plugins import DomainConfig


class MessagingConfig(DomainConfig):
    name = "messaging"
    verbose_name = "messaging"
