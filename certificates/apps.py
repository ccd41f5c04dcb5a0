from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    name = "certificates"

    def ready(self) -> None:
        from datetime import timedelta

        from academy import periodic
        from academy.hooks import register_dashboard_panel
        from certificates import panels, tasks
        from cohorts.services import register_completion_lock

        register_completion_lock(has_active_certificate)
        register_dashboard_panel(panels.my_certificates)
        periodic.register("certificate-sweep", tasks.sweep_unrendered, every=timedelta(minutes=5))


def has_active_certificate(enrollment) -> bool:
    from certificates.models import Certificate

    return Certificate.objects.active().filter(enrollment=enrollment).exists()
