"""The compose files use no key that only one of the two Composes accepts (issue 21.4), checked against both
schemas on every test run: the Compose Specification that Compose v2 (`docker compose`) validates with, and the
schema that Debian 12's Compose 1.29 (`docker-compose`) validates a file without `version:` with. Both are
vendored in tests/vendor/ (see SOURCE there). No Compose v2 binary is to be had from the registries this
project reaches, so `config` itself runs with 1.29 only, in `make stack-test` (docs/deployment.md).

What this checks: every key and the type and shape of every value, as each tool's schema step does, on the file
after `${VAR}` interpolation with the variables of `ops/stack/test.env` (as `make stack-test` runs `config`)
and the cast of `deploy.replicas` to a number that both tools make. What it does not:
Compose 1.29's own format checks of ports, expose and subnets, the two files merged, and the checks each tool
makes beyond its schema (e.g. that a `depends_on` service exists)."""

import copy
import json
import re
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft4Validator, Draft202012Validator

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "tests" / "vendor"
FILES = ["docker-compose.yml", "docker-compose.stack-test.yml"]
ENV_FILE = "ops/stack/test.env"  # the variables `make stack-test` runs `config` with, and the one it sets:
STACK_TEST_ENV = {"EXTRA_CA_BUNDLE": "/etc/ssl/certs/ca-certificates.crt"}
REFERENCE = re.compile(r"\$\$|\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}"
                       r"|\$(?P<bare>[A-Za-z_][A-Za-z0-9_]*)")


def _validator(name: str):
    if name == "compose v2":
        schema = json.loads((VENDOR / "compose-spec" / "compose-spec.json").read_text())
        Draft202012Validator.check_schema(schema)
        return Draft202012Validator(schema)
    schema = json.loads((VENDOR / "compose-v1" / "compose_spec.json").read_text())
    return Draft4Validator(schema)  # as compose/config/validation.py of 1.29 does


def _errors(validator, document) -> list[str]:
    return [f"{'.'.join(map(str, error.absolute_path)) or '(top)'}: {error.message}"
            for error in validator.iter_errors(document)]


def _env_file(name: str) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in (ROOT / name).read_text().splitlines()
             if "=" in line and not line.lstrip().startswith("#"))
    return {key.strip(): value.strip() for key, value in pairs}


def _interpolate(value, env: dict[str, str]):
    """Compose's ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}, ${VAR?error}, $VAR and $$."""
    if isinstance(value, dict):
        return {key: _interpolate(item, env) for key, item in value.items()}
    if isinstance(value, list):
        return [_interpolate(item, env) for item in value]
    if not isinstance(value, str):
        return value

    def one(match):
        if match.group(0) == "$$":
            return "$"
        name = match.group("name") or match.group("bare")
        op, arg, found = match.group("op"), match.group("arg"), env.get(match.group("name") or match.group("bare"))
        empty = found is None or (found == "" and op and op.startswith(":"))
        if op and op.endswith("-") and empty:
            return arg
        if op and op.endswith("?") and empty:
            raise AssertionError(f"{name} is required: {arg}")
        return found or ""

    return REFERENCE.sub(one, value)


def _load(name: str) -> dict:
    """The file as both Composes read it before their schema step: interpolated, replicas a number."""
    document = _interpolate(yaml.safe_load((ROOT / name).read_text()), {**_env_file(ENV_FILE), **STACK_TEST_ENV})
    for service in document.get("services", {}).values():
        deploy = service.get("deploy") or {}
        if isinstance(deploy.get("replicas"), str) and deploy["replicas"].isdigit():
            deploy["replicas"] = int(deploy["replicas"])
    return document


@pytest.mark.parametrize("tool", ["compose v2", "compose 1.29"])
@pytest.mark.parametrize("name", FILES)
def test_compose_file_is_valid_for_both_composes(tool, name):
    document = _load(name)
    assert document.get("services"), "no services read from the file"
    assert _errors(_validator(tool), document) == []


def test_the_check_finds_a_key_either_compose_rejects():
    base = _load("docker-compose.yml")
    v2, v1 = _validator("compose v2"), _validator("compose 1.29")

    unknown = copy.deepcopy(base)
    unknown["services"]["web"]["no_such_key"] = True
    assert _errors(v2, unknown) and _errors(v1, unknown)

    # Keys of the Compose Specification that came after 1.29: Compose v2 takes them, 1.29 refuses the file.
    for key, value in [("name", "circular-cities"), ("include", ["other.yml"])]:
        newer = copy.deepcopy(base)
        newer[key] = value
        assert _errors(v2, newer) == [] and _errors(v1, newer), key
    develop = copy.deepcopy(base)
    develop["services"]["web"]["develop"] = {"watch": [{"path": "./static", "action": "sync", "target": "/app"}]}
    assert _errors(v2, develop) == [] and _errors(v1, develop)

    # A value of the wrong shape.
    wrong = copy.deepcopy(base)
    wrong["services"]["web"]["restart"] = ["always"]
    assert _errors(v2, wrong) and _errors(v1, wrong)
