"""Backups round-trip: a populated demo instance → archive → a new, empty instance."""

import json
import os
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import pytest


def run(home: Path, database_url: str | None, *args: str) -> subprocess.CompletedProcess:
    """The ``smartcity`` command as an operator runs it, on its own data folder."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("SMARTCITY_")}
    env.update(
        {
            "SMARTCITY_HOME": str(home),
            "SMARTCITY_SECRET_KEY": "backup-test-" + "s" * 40,
            "SMARTCITY_LOG_FORMAT": "plain",
            # Not the test settings pytest exported: those would point at a temporary database.
            "DJANGO_SETTINGS_MODULE": "smartcity.settings",
        }
    )
    if database_url:
        env["SMARTCITY_DATABASE_URL"] = database_url
    return subprocess.run(
        [sys.executable, "-m", "smartcity", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def smartcity(home: Path, database_url: str | None, *args: str) -> str:
    result = run(home, database_url, *args)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


COUNT_SCRIPT = (
    "import json; from smartcity.operations.backup import row_counts; "
    "print(json.dumps(row_counts()))"
)


def read_counts(home, database_url) -> dict:
    # The shell prints a line about auto-imports first; the counts are the last line.
    output = smartcity(home, database_url, "shell", "-c", COUNT_SCRIPT)
    return json.loads(output.strip().splitlines()[-1])


def round_trip(tmp_path, source_url, target_url):
    source, target = tmp_path / "source", tmp_path / "target"
    smartcity(source, source_url, "migrate", "--noinput", "-v", "0")
    smartcity(source, source_url, "load_demo", "-v", "0")
    media = source / "media" / "projects"
    media.mkdir(parents=True)
    (media / "foto.jpg").write_bytes(b"\xff\xd8 not really a jpeg, but bytes to keep")
    counts = read_counts(source, source_url)
    assert counts["core.City"] == 2 and counts["accounts.User"] > 1

    archive = tmp_path / "backup.tar.gz"
    smartcity(source, source_url, "backup", "--output", str(archive))
    assert (tmp_path / "backup.tar.gz.sha256").exists()
    with tarfile.open(archive) as handle:
        manifest = json.load(handle.extractfile("manifest.json"))
    assert manifest["counts"] == counts

    output = smartcity(target, target_url, "restore", str(archive))
    assert "restored" in output
    assert read_counts(target, target_url) == counts
    restored = target / "media" / "projects" / "foto.jpg"
    assert restored.read_bytes() == (media / "foto.jpg").read_bytes()
    return archive, target


def test_sqlite_backup_round_trip(tmp_path):
    archive, target = round_trip(tmp_path, None, None)
    # A second restore into the now populated instance is refused without --force.
    result = run(target, None, "restore", str(archive))
    assert result.returncode != 0
    assert "not empty" in result.stderr


def test_a_damaged_archive_is_refused(tmp_path):
    source = tmp_path / "source"
    smartcity(source, None, "migrate", "--noinput", "-v", "0")
    archive = tmp_path / "backup.tar.gz"
    smartcity(source, None, "backup", "--output", str(archive))
    data = bytearray(archive.read_bytes())
    data[len(data) // 2] ^= 0xFF
    archive.write_bytes(bytes(data))
    result = run(tmp_path / "target", None, "restore", str(archive))
    assert result.returncode != 0
    assert "checksum" in result.stderr


@pytest.mark.skipif(
    not os.environ.get("SMARTCITY_TEST_DATABASE_URL"), reason="SMARTCITY_TEST_DATABASE_URL not set"
)
def test_postgresql_backup_round_trip(tmp_path):
    import psycopg

    base = os.environ["SMARTCITY_TEST_DATABASE_URL"].rsplit("/", 1)[0]
    names = [f"smartcity_backup_{kind}_{uuid.uuid4().hex[:8]}" for kind in ("source", "target")]
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        for name in names:
            admin.execute(f'CREATE DATABASE "{name}"')
    try:
        round_trip(tmp_path, f"{base}/{names[0]}", f"{base}/{names[1]}")
    finally:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            for name in names:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
