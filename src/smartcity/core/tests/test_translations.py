"""The translation catalogs are complete, compiled and actually used when rendering pages.

German is the source language: its catalog only lists the msgids. Every other language in
``settings.LANGUAGES`` must translate every entry. After changing strings run ``make messages``.
"""

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

import smartcity

LOCALE_DIR = Path(smartcity.__file__).resolve().parent / "locale"
PO_FILES = sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po"))
SOURCE_LANGUAGE = settings.LANGUAGE_CODE
TARGET_LANGUAGES = [code for code, _name in settings.LANGUAGES if code != SOURCE_LANGUAGE]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdifr]|\{(\w*)\}")


def _language(po_path: Path) -> str:
    return po_path.parent.parent.name


def _label(po_path: Path) -> str:
    return str(po_path.relative_to(LOCALE_DIR))


def _key(entry) -> tuple[str | None, str]:
    return (entry.msgctxt or None, entry.msgid)


def _value(entry) -> str | tuple[str, ...]:
    if entry.msgid_plural:
        return tuple(entry.msgstr_plural[index] for index in sorted(entry.msgstr_plural))
    return entry.msgstr


def _describe(entry) -> str:
    where = ", ".join(f"{path}:{line}" for path, line in entry.occurrences) or "?"
    return f"  {entry.msgid!r}  ({where})"


@pytest.fixture(autouse=True)
def _restore_language():
    # LocaleMiddleware activates the request's language for the thread; don't leak it.
    with translation.override(SOURCE_LANGUAGE):
        yield


def test_every_configured_language_has_a_catalog():
    languages = {_language(path) for path in PO_FILES}
    assert languages >= {code for code, _name in settings.LANGUAGES}, (
        f"missing catalogs under {LOCALE_DIR}: run `make messages`"
    )


@pytest.mark.parametrize("language", TARGET_LANGUAGES)
def test_target_catalog_is_completely_translated(language):
    path = LOCALE_DIR / language / "LC_MESSAGES" / "django.po"
    catalog = polib.pofile(str(path))
    live = [entry for entry in catalog if not entry.obsolete]
    assert live, f"{_label(path)} has no entries: did makemessages find the strings?"

    untranslated = [entry for entry in live if not entry.translated() and not entry.fuzzy]
    fuzzy = [entry for entry in live if entry.fuzzy]
    problems = []
    if untranslated:
        problems.append(f"{len(untranslated)} untranslated:")
        problems += [_describe(entry) for entry in untranslated]
    if fuzzy:
        problems.append(f"{len(fuzzy)} fuzzy (check the translation, then drop the flag):")
        problems += [_describe(entry) for entry in fuzzy]
    assert not problems, f"{_label(path)}:\n" + "\n".join(problems)


@pytest.mark.parametrize("language", TARGET_LANGUAGES)
def test_translations_keep_the_placeholders(language):
    path = LOCALE_DIR / language / "LC_MESSAGES" / "django.po"
    mismatched = []
    for entry in polib.pofile(str(path)).translated_entries():
        expected = sorted(PLACEHOLDER.findall(entry.msgid))
        for translated in _value(entry) if entry.msgid_plural else [entry.msgstr]:
            if sorted(PLACEHOLDER.findall(translated)) != expected:
                mismatched.append(f"  {entry.msgid!r} -> {translated!r}")
    assert not mismatched, f"{_label(path)}: placeholders differ:\n" + "\n".join(mismatched)


def test_source_catalog_has_no_fuzzy_entries():
    path = LOCALE_DIR / SOURCE_LANGUAGE / "LC_MESSAGES" / "django.po"
    fuzzy = [_describe(entry) for entry in polib.pofile(str(path)) if entry.fuzzy]
    assert not fuzzy, f"{_label(path)} has fuzzy entries:\n" + "\n".join(fuzzy)


@pytest.mark.parametrize("po_path", PO_FILES, ids=_label)
def test_compiled_catalog_matches_its_source(po_path):
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"{_label(mo_path)} is missing: run scripts/compile-messages"

    source = polib.pofile(str(po_path)).translated_entries()
    expected = {_key(entry): _value(entry) for entry in source}
    compiled = {_key(entry): _value(entry) for entry in polib.mofile(str(mo_path)) if entry.msgid}
    keys = expected.keys() | compiled.keys()
    stale = sorted(key[1] for key in keys if expected.get(key) != compiled.get(key))
    assert not stale, (
        f"{_label(mo_path)} is out of date with its .po (run scripts/compile-messages); "
        f"differs for: {stale}"
    )


ENGLISH = ["Skip to content", "Choose your city", "Legal notice", "Accessibility"]
GERMAN = ["Zum Inhalt springen", "Wählen Sie Ihre Stadt", "Impressum", "Barrierefreiheit"]


@pytest.mark.parametrize(
    "how",
    [
        pytest.param({"HTTP_ACCEPT_LANGUAGE": "en-GB,en;q=0.9"}, id="accept-language"),
        pytest.param({}, id="language-cookie"),
    ],
)
def test_start_page_renders_in_english(client, cities, how):
    if not how:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/", **how)

    assert response.status_code == 200
    assert response.headers["Content-Language"] == "en"
    page = response.content.decode()
    assert '<html lang="en">' in page
    for text in ENGLISH:
        assert text in page
    for text in GERMAN:
        assert text not in page
    assert "Dortmund" in page  # the city list is data, not translated


def test_start_page_defaults_to_german(client, cities):
    response = client.get("/")

    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="de">' in page
    for text in GERMAN:
        assert text in page
    for text in ENGLISH:
        assert text not in page
