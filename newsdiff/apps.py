from django.apps import AppConfig


class NewsdiffConfig(AppConfig):
    name = "newsdiff"
    verbose_name = "newsdiff"

    def ready(self):
        from . import checks  # noqa: F401  (registers the deploy checks)
