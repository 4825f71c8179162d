"""Consistent backups: the database (online SQLite backup or pg_dump) plus uploaded media.

An archive is a ``.tar.gz`` holding ``manifest.json`` (versions, row counts per model, a
SHA-256 per member), the database dump and ``media/``. A ``.sha256`` file beside it holds
the archive's own checksum.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connections
from django.utils import timezone

from smartcity import __version__

FORMAT = "smartcity-backup/1"
SQLITE_MEMBER = "database.sqlite3"
POSTGRES_MEMBER = "database.pgdump"


class BackupError(Exception):
    pass


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    }


def _database():
    connection = connections["default"]
    return connection, connection.settings_dict


def _pg_env(config: dict) -> dict:
    env = dict(os.environ)
    if config.get("PASSWORD"):
        env["PGPASSWORD"] = str(config["PASSWORD"])
    return env


def _pg_args(config: dict) -> list[str]:
    args = []
    if config.get("HOST"):
        args += ["-h", str(config["HOST"])]
    if config.get("PORT"):
        args += ["-p", str(config["PORT"])]
    if config.get("USER"):
        args += ["-U", str(config["USER"])]
    return args


def _dump_database(workdir: Path) -> str:
    connection, config = _database()
    if connection.vendor == "sqlite":
        target = workdir / SQLITE_MEMBER
        source = sqlite3.connect(config["NAME"])
        destination = sqlite3.connect(target)
        try:
            source.backup(destination)  # consistent even while the site writes
        finally:
            destination.close()
            source.close()
        return SQLITE_MEMBER
    if connection.vendor == "postgresql":
        target = workdir / POSTGRES_MEMBER
        command = ["pg_dump", "-Fc", "--no-owner", "-f", str(target), *_pg_args(config)]
        subprocess.run([*command, config["NAME"]], check=True, env=_pg_env(config))
        return POSTGRES_MEMBER
    raise BackupError(f"backups of {connection.vendor} databases are not supported")


def create_backup(output: Path) -> dict:
    """Write the archive to ``output`` and return its manifest."""
    output = Path(output)
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        counts = row_counts()  # before the dump; the dump is at least as new
        database_member = _dump_database(workdir)
        members = {database_member: sha256_file(workdir / database_member)}
        media_files = (
            sorted(p for p in media_root.rglob("*") if p.is_file()) if media_root.exists() else []
        )
        for path in media_files:
            members[f"media/{path.relative_to(media_root).as_posix()}"] = sha256_file(path)
        manifest = {
            "format": FORMAT,
            "platform_version": __version__,
            "created_at": timezone.now().isoformat(),
            "database": {"vendor": connections["default"].vendor, "member": database_member},
            "counts": counts,
            "members": members,
        }
        partial = output.with_name(output.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            data = json.dumps(manifest, indent=2).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
            archive.add(workdir / database_member, arcname=database_member)
            for path in media_files:
                archive.add(path, arcname=f"media/{path.relative_to(media_root).as_posix()}")
        partial.replace(output)  # never leave a half-written archive under the final name
    Path(f"{output}.sha256").write_text(f"{sha256_file(output)}  {output.name}\n")
    return manifest


def _database_is_empty() -> bool:
    connection, _config = _database()
    return not connection.introspection.table_names()


def restore_backup(archive_path: Path, force: bool = False) -> dict:
    """Restore an archive into this (empty) instance; returns the manifest."""
    archive_path = Path(archive_path)
    checksum_file = Path(f"{archive_path}.sha256")
    if checksum_file.exists():
        expected = checksum_file.read_text().split()[0]
        if sha256_file(archive_path) != expected:
            raise BackupError(f"{archive_path} does not match its checksum file")
    if not force and not _database_is_empty():
        raise BackupError("the database is not empty; restore into a new instance or use --force")
    connection, config = _database()
    with tempfile.TemporaryDirectory() as tmp, tarfile.open(archive_path, "r:gz") as archive:
        workdir = Path(tmp)
        archive.extractall(workdir, filter="data")
        manifest = json.loads((workdir / "manifest.json").read_text())
        if manifest.get("format") != FORMAT:
            raise BackupError(f"unknown backup format {manifest.get('format')!r}")
        for member, digest in manifest["members"].items():
            if sha256_file(workdir / member) != digest:
                raise BackupError(f"{member} is damaged (checksum mismatch)")
        vendor = manifest["database"]["vendor"]
        if vendor != connection.vendor:
            raise BackupError(
                f"the backup holds a {vendor} database, this instance uses {connection.vendor}"
            )
        dump = workdir / manifest["database"]["member"]
        connection.close()
        if vendor == "sqlite":
            target = Path(config["NAME"])
            for suffix in ("-wal", "-shm"):
                Path(f"{target}{suffix}").unlink(missing_ok=True)
            source = sqlite3.connect(dump)
            destination = sqlite3.connect(target)
            try:
                source.backup(destination)
            finally:
                destination.close()
                source.close()
        else:
            command = ["pg_restore", "--no-owner", "--clean", "--if-exists", "-d", config["NAME"]]
            subprocess.run(
                [*command, *_pg_args(config), str(dump)], check=True, env=_pg_env(config)
            )
        media_source = workdir / "media"
        if media_source.exists():
            shutil.copytree(media_source, settings.MEDIA_ROOT, dirs_exist_ok=True)
    return manifest
