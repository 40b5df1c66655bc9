from django.apps import AppConfig


class PointsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "points"

    def ready(self):
        """Plug this app's parts into core (core.plugins)."""
        from points import plug

        plug.register()
        from points import flows  # noqa: F401 - the appeal procedure, for run_deadlines and the step pages
