"""The record of processing activities (Art. 30 DSGVO), generated from the models.

Which fields hold personal data is read from the model metadata: links to user accounts,
e-mail and network address fields, telephone numbers, names of persons (``*_name``,
``first_name``/``last_name``, or ``name`` beside an e-mail address), hashed keys and addresses.
Each capability becomes one processing activity with its purpose, the data subjects, the data
categories found, whether it takes part in data export and erasure (``core.registries.
personal_data``) and the deletion periods of the scheduled jobs (``operations.retention``).
The result is a draft for the data protection officer, regenerated with every release.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils.translation import gettext as _

from smartcity.core.registries import personal_data
from smartcity.operations.retention import RETENTION_JOBS

PERSONAL_NAME = re.compile(
    r"(^|_)(phone|telefon|email|first_name|last_name|ip|address_hash|ip_hash|key_hash)$"
    r"|_name$|^display_name$"
)
# Django's own and third-party apps whose tables hold personal data, with their activity.
THIRD_PARTY_ACTIVITY = {
    "account": "accounts",  # allauth's e-mail addresses belong to the accounts
    "admin": "accounts",  # the admin's change log names the staff member
    "socialaccount": "accounts",
}


def purposes() -> dict[str, dict[str, str]]:
    """Purpose, data subjects and recipients per capability (German, for the record)."""
    return {
        "accounts": {
            "purpose": _(
                "Benutzerkonten für Beteiligung, Mängelmelder, Terminbuchung und die Arbeit der "
                "Verwaltung; Anmeldung, Rollen und Nachweis der Änderungen."
            ),
            "subjects": _("Registrierte Bürgerinnen und Bürger, Beschäftigte der Städte"),
            "recipients": _("Keine; Administration der Plattform"),
        },
        "core": {
            "purpose": _(
                "API-Zugänge (Tokens) und Rückmeldungen zu Barrieren nach BITV 2.0 beantworten."
            ),
            "subjects": _("Nutzende der Website und der API"),
            "recipients": _("Beauftragte für Barrierefreiheit der Städte"),
        },
        "portfolio": {
            "purpose": _("Projekte der Smart-City-Strategie mit Ansprechpersonen veröffentlichen."),
            "subjects": _("Ansprechpersonen von Projekten und Partnern, Einreichende"),
            "recipients": _("Öffentlichkeit (nur freigegebene Kontaktangaben)"),
        },
        "participation": {
            "purpose": _(
                "Kommentare, Bewertungen und Ideen der Bürgerschaft; Moderation und "
                "Missbrauchsschutz."
            ),
            "subjects": _("Beteiligte Bürgerinnen und Bürger, Moderierende"),
            "recipients": _("Öffentlichkeit (Beiträge unter Anzeigenamen), Moderation"),
        },
        "reporting": {
            "purpose": _("Sachstandsberichte erstellen, freigeben und veröffentlichen."),
            "subjects": _("Beschäftigte der Städte"),
            "recipients": _("Keine"),
        },
        "defects": {
            "purpose": _(
                "Mängelmeldungen entgegennehmen, an die zuständige Stelle leiten und die "
                "meldende Person über den Bearbeitungsstand informieren."
            ),
            "subjects": _("Meldende Personen, Beschäftigte der Fachbereiche"),
            "recipients": _("Zuständige Fachbereiche und beauftragte Stellen der Stadt"),
        },
        "appointments": {
            "purpose": _("Termine bei Bürgerdiensten vergeben, bestätigen und erinnern."),
            "subjects": _("Buchende Bürgerinnen und Bürger, Beschäftigte der Dienststellen"),
            "recipients": _("Die gebuchte Dienststelle"),
        },
        "news": {
            "purpose": _("Neuigkeiten veröffentlichen und Anmeldungen zu Veranstaltungen führen."),
            "subjects": _("Angemeldete Teilnehmende, Redakteurinnen und Redakteure"),
            "recipients": _("Veranstaltende Stelle"),
        },
        "opendata": {
            "purpose": _("Offene Daten mit Ansprechstellen für die Datensätze veröffentlichen."),
            "subjects": _("Ansprechpersonen der Datensätze"),
            "recipients": _("Öffentlichkeit, Datenportale (GovData, Open.NRW)"),
        },
        "sensors": {
            "purpose": _("Messdaten von Sensoren (keine personenbezogenen Daten vorgesehen)."),
            "subjects": _("—"),
            "recipients": _("Öffentlichkeit"),
        },
        "bridges": {
            "purpose": _("Zustandsüberwachung von Brücken und Alarmierung der Zuständigen."),
            "subjects": _("Beschäftigte, die Alarme erhalten und quittieren"),
            "recipients": _("Keine"),
        },
        "schools": {
            "purpose": _("Raumklima in Schulen; Lehrkräfte verwalten ihre Klassenräume."),
            "subjects": _("Lehrkräfte"),
            "recipients": _("Keine"),
        },
    }


@dataclass
class Category:
    model: str
    table: str
    fields: list[str]


@dataclass
class Activity:
    app: str
    name: str
    purpose: str
    subjects: str
    recipients: str
    categories: list[Category] = field(default_factory=list)
    export_and_erasure: list[str] = field(default_factory=list)
    deletion: list[dict] = field(default_factory=list)


def personal_fields(model) -> list:
    user_model = settings.AUTH_USER_MODEL
    found = []
    concrete = model._meta.concrete_fields
    has_email = any(isinstance(f, models.EmailField) for f in concrete)
    has_slug = any(isinstance(f, models.SlugField) for f in concrete)
    for model_field in concrete:
        if model_field.is_relation:
            related = model_field.related_model
            if related is not None and related._meta.label == user_model:
                found.append(model_field)
            continue
        if isinstance(model_field, models.BooleanField):
            continue
        contact = isinstance(model_field, models.EmailField | models.GenericIPAddressField)
        person = model_field.name == "name" and has_email and not has_slug
        if contact or PERSONAL_NAME.search(model_field.name) or person and not model_field.unique:
            found.append(model_field)
    if model._meta.label == user_model:
        found += [f for f in concrete if f.name == "username" and f not in found]
    return found


def _app_of(function) -> str:
    parts = function.__module__.split(".")
    return parts[1] if parts[0] == "smartcity" and len(parts) > 1 else parts[0]


def build() -> list[Activity]:
    texts = purposes()
    providers: dict[str, list[str]] = {}
    for provider in personal_data:
        providers.setdefault(_app_of(provider.export), []).append(provider.name)
    deletion: dict[str, list[dict]] = {}
    for job in RETENTION_JOBS.values():
        deletion.setdefault(job.func.split(".")[1], []).append(
            {"data": str(job.kind), "when": str(job.period), "action": str(job.action)}
        )
    activities: dict[str, Activity] = {}
    for model in apps.get_models():
        fields = personal_fields(model)
        if not fields:
            continue
        config = model._meta.app_config
        label = THIRD_PARTY_ACTIVITY.get(config.label, config.label)
        if label not in activities:
            owner = apps.get_app_config(label) if label != config.label else config
            text = texts.get(label, {})
            activities[label] = Activity(
                app=label,
                name=str(owner.verbose_name),
                purpose=text.get("purpose", _("Bitte ergänzen.")),
                subjects=text.get("subjects", _("Bitte ergänzen.")),
                recipients=text.get("recipients", _("Bitte ergänzen.")),
                export_and_erasure=sorted(providers.get(label, [])),
                deletion=deletion.get(label, []),
            )
        activities[label].categories.append(
            Category(
                model=str(model._meta.verbose_name),
                table=model._meta.label,
                fields=[str(f.verbose_name) for f in fields],
            )
        )
    return sorted(activities.values(), key=lambda activity: activity.app)


def general() -> dict[str, str]:
    return {
        "controller": _(
            "Die Stadt, die die Plattform betreibt (Stadt Dortmund bzw. Stadt Schwerte); Name "
            "und Kontaktdaten der verantwortlichen Stelle und der oder des "
            "Datenschutzbeauftragten ergänzt die Stadt."
        ),
        "transfers": _("Keine Übermittlung in Drittländer; Betrieb auf eigenen Servern."),
        "measures": _(
            "Verschlüsselte Übertragung (TLS, HSTS); Rollen und Rechte je Stadt; Passwörter "
            "nur als Hash (Django-Standard PBKDF2); API-Tokens nur als SHA-256-Hash; "
            "Netzadressen für den Missbrauchsschutz höchstens 7 Tage; tägliche Sicherung mit "
            "Prüfsummen; automatische Löschfristen (siehe je Tätigkeit)."
        ),
    }


def as_dict() -> dict:
    return {"general": general(), "activities": [asdict(activity) for activity in build()]}


def as_markdown() -> str:
    data = as_dict()
    lines = [
        "# " + _("Verzeichnis von Verarbeitungstätigkeiten (Art. 30 DSGVO)"),
        "",
        _(
            "Aus den Datenmodellen der Plattform erzeugt; von der oder dem "
            "Datenschutzbeauftragten zu prüfen und zu ergänzen."
        ),  # fmt: skip
        "",
        f"- **{_('Verantwortliche Stelle')}:** {data['general']['controller']}",
        f"- **{_('Übermittlung in Drittländer')}:** {data['general']['transfers']}",
        f"- **{_('Technische und organisatorische Maßnahmen')}:** {data['general']['measures']}",
    ]
    for activity in data["activities"]:
        lines += [
            "",
            f"## {activity['name']} (`{activity['app']}`)",
            "",
            f"- **{_('Zweck')}:** {activity['purpose']}",
            f"- **{_('Betroffene Personen')}:** {activity['subjects']}",
            f"- **{_('Empfänger')}:** {activity['recipients']}",
            f"- **{_('Auskunft und Löschung (Art. 15/17)')}:** "
            + (", ".join(activity["export_and_erasure"]) or _("nicht angebunden")),
        ]
        if activity["deletion"]:
            lines.append(f"- **{_('Löschfristen')}:**")
            lines += [
                f"  - {item['data']}: {item['action']} {item['when']}"
                for item in activity["deletion"]
            ]
        else:
            lines.append(f"- **{_('Löschfristen')}:** {_('keine automatische Löschung')}")
        lines += ["", f"| {_('Daten')} | {_('Felder')} |", "|---|---|"]
        lines += [
            f"| {category['model']} (`{category['table']}`) | {', '.join(category['fields'])} |"
            for category in activity["categories"]
        ]
    return "\n".join(lines) + "\n"
