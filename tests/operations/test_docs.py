"""The deployment guide names every environment variable the platform reads, so an operator never has to
read settings.py to find a switch."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "deployment.md"
ENV_READ = re.compile(r"""\benv(?:\.[a-z_]+)?\(\s*["']([A-Z][A-Z0-9_]*)["']""")
OS_ENVIRON = re.compile(r"""os\.environ(?:\.get)?[\[(]\s*["']([A-Z][A-Z0-9_]*)["']""")


def settings_variables() -> set[str]:
    text = (ROOT / "circular_cities" / "settings.py").read_text()
    return set(ENV_READ.findall(text)) | set(OS_ENVIRON.findall(text))


def documented(name: str, guide: str) -> bool:
    return re.search(rf"`{name}`", guide) is not None


def test_the_parser_finds_the_variables_we_know_of():
    found = settings_variables()
    assert {"DATABASE_URL", "REDIS_URL", "DJANGO_SECRET_KEY", "DJANGO_PRODUCTION", "MEDIA_ROOT",
            "HEALTH_TOKEN"} <= found


def test_every_environment_variable_of_settings_is_in_the_deployment_guide():
    guide = GUIDE.read_text()
    missing = sorted(name for name in settings_variables() if not documented(name, guide))
    assert not missing, f"docs/deployment.md does not mention (as `NAME`): {', '.join(missing)}"


def test_every_variable_of_env_example_and_compose_is_in_the_deployment_guide():
    guide = GUIDE.read_text()
    example = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M))
    compose_lines = (ROOT / "docker-compose.yml").read_text().splitlines()
    compose_text = "\n".join(line for line in compose_lines if not line.lstrip().startswith("#"))
    compose = set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", compose_text))
    missing = sorted(name for name in example | compose if not documented(name, guide))
    assert not missing, f"docs/deployment.md does not mention (as `NAME`): {', '.join(missing)}"
