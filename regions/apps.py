from django.apps import AppConfig


class RegionsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "regions"

    def ready(self):
        """Plug this app's parts into core (core.plugins)."""
        from django.db.models.signals import post_save

        from regions import plug
        from regions.models import Region

        plug.register()
        post_save.connect(_county_created, sender=Region, dispatch_uid="regions.county_created")


def _county_created(sender, instance, created, raw=False, **kwargs):
    """A new county gets every app's defaults (core.plugins.CountySetup), in the transaction that inserts it."""
    from core import plugins
    from regions.models import RegionLevel

    if created and not raw and instance.level == RegionLevel.COUNTY:
        plugins.set_up_county(instance)
