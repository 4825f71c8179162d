from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppointmentsConfig(AppConfig):
    name = "smartcity.appointments"
    label = "appointments"
    verbose_name = _("Terminbuchung")

    def ready(self):
        from smartcity.appointments import demo, metrics
        from smartcity.appointments.personal_data import erase, export
        from smartcity.core.navigation import NavItem, navigation
        from smartcity.core.registries import DemoLoader, PersonalData, demo_loaders, personal_data
        from smartcity.core.tasks import periodic

        demo_loaders.register("appointments", DemoLoader("appointments", demo.load, order=60))
        navigation.register(
            "appointments", NavItem("appointments", _("Termine"), "appointments:index", order=50)
        )
        personal_data.register("appointments", PersonalData("appointments", export, erase))
        metrics.register()
        periodic("appointment-reminders", "smartcity.appointments.jobs.send_reminders", "0 * * * *")
        periodic(
            "appointment-anonymise",
            "smartcity.appointments.jobs.anonymise_old_bookings",
            "15 3 * * *",
        )
        periodic(
            "appointment-expired-holds",
            "smartcity.appointments.jobs.purge_expired_holds",
            "*/5 * * * *",
        )
