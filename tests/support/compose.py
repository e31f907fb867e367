"""docker-compose.yml is for users, but its commands are the ones the tests run: reading
them from the file keeps the two from drifting apart."""

import shlex
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def service_command(service: str) -> list[str]:
    command = compose()["services"][service]["command"]
    return shlex.split(command) if isinstance(command, str) else list(command)
