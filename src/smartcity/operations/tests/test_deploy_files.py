"""Every file docs/deployment.md uses is in deploy/ and is valid."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

DEPLOY = Path(__file__).resolve().parents[4] / "deploy"
SMARTCITY_BIN = Path(sys.executable).with_name("smartcity")


def test_deployment_guide_names_only_files_that_exist():
    guide = (DEPLOY.parent / "docs" / "deployment.md").read_text()
    named = set(re.findall(r"deploy/[\w./@-]+[\w]", guide))
    assert named, "the guide should use the files in deploy/"
    missing = [path for path in sorted(named) if not (DEPLOY.parent / path).exists()]
    assert not missing, missing


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze not installed")
def test_systemd_units_verify(tmp_path):
    units = sorted((DEPLOY / "systemd").glob("*.service")) + sorted(
        (DEPLOY / "systemd").glob("*.timer")
    )
    assert len(units) >= 5
    for unit in units:
        # Point ExecStart at this checkout's command, so verify can check it is executable.
        text = unit.read_text().replace("/opt/smartcity/.venv/bin/smartcity", str(SMARTCITY_BIN))
        (tmp_path / unit.name).write_text(text)
    result = subprocess.run(
        ["systemd-analyze", "verify", *[str(tmp_path / unit.name) for unit in units]],
        capture_output=True,
        text=True,
        timeout=60,
    )
    problems = [
        line
        for line in (result.stdout + result.stderr).splitlines()
        # Outside a booted systemd the host's own units may be reported; ours must be clean.
        if "smartcity" in line
    ]
    assert result.returncode == 0 or not problems, problems
    assert not problems, problems


def test_units_run_the_commands_that_exist():
    from smartcity.cli import build_parser

    commands = set(build_parser()._subparsers._group_actions[0].choices) | {
        "mqtt",
        "backup",
        "upgrade",
    }
    for unit in (DEPLOY / "systemd").glob("*.service"):
        exec_start = re.search(r"^ExecStart=\S+/smartcity (\S+)", unit.read_text(), re.M)
        assert exec_start and exec_start.group(1) in commands, unit.name


def test_compose_file_is_consistent():
    compose = yaml.safe_load((DEPLOY / "compose" / "compose.yaml").read_text())
    services = compose["services"]
    assert {"web", "worker", "mqtt-bridge", "db", "redis", "mqtt", "proxy"} <= set(services)
    for name, service in services.items():
        assert "image" in service or "build" in service, name
        for volume in service.get("volumes", []):
            source = volume.split(":", 1)[0]
            if source.startswith("."):
                path = (DEPLOY / "compose" / source).resolve()
                example = path.with_name(path.name + ".example")
                assert path.exists() or example.exists(), f"{name}: {source}"
    assert (DEPLOY / "compose" / "Dockerfile").exists()
    assert (DEPLOY / "smartcity.env.example").exists()


def test_nginx_config_is_balanced_and_proxies_with_forwarded_headers():
    config = (DEPLOY / "nginx" / "smartcity.conf").read_text()
    assert config.count("{") == config.count("}")
    assert "X-Forwarded-Proto" in config and "proxy_pass http://smartcity_web" in config
    assert "smartcity_web" in (DEPLOY / "nginx" / "smartcity-upstream.conf").read_text()


def test_env_example_is_a_valid_production_configuration(tmp_path):
    from smartcity import config

    values = {}
    for line in (DEPLOY / "smartcity.env.example").read_text().splitlines():
        if line and not line.startswith("#"):
            key, value = line.split("=", 1)
            values[key] = value
    values["SMARTCITY_HOME"] = str(tmp_path)
    loaded = config.load(values)
    assert not loaded.debug and loaded.https
    assert loaded.database["ENGINE"] == "django.db.backends.postgresql"
