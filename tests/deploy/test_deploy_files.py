"""deploy/ is checked without a container engine: the compose file and the Kubernetes manifests are parsed,
every command they run must exist here with options its program accepts, and every setting they pass must be
one that marketplace/settings.py reads."""

import re
from pathlib import Path

import pytest
import yaml
from django.core.management import get_commands, load_command_class
from django.utils.module_loading import import_string

ROOT = Path(__file__).resolve().parent.parent.parent
DEPLOY = ROOT / "deploy"
IMAGE = "ocop-marketplace:latest"


def settings_env_names() -> set[str]:
    source = (ROOT / "marketplace" / "settings.py").read_text()
    return set(re.findall(r"""env_(?:str|bool|int|list)\(\s*["']([A-Z0-9_]+)["']""", source))


SETTINGS_ENV = settings_env_names()


def check_command(argv: list[str]) -> None:
    """Fail unless `argv` would start one of our processes with options its program accepts."""
    program, args = argv[0], list(argv[1:])
    if program == "gunicorn":
        from gunicorn.config import Config

        parsed = Config().parser().parse_args(args)  # exits (fails the test) on an unknown option
        assert parsed.args == ["marketplace.wsgi:application"], argv
        module, attribute = parsed.args[0].split(":")
        assert callable(import_string(f"{module}.{attribute}"))
    elif program == "celery":
        from celery.bin.beat import beat
        from celery.bin.worker import worker

        assert args[:2] == ["-A", "marketplace"], argv
        app = import_string("marketplace.celery_app")
        assert app.main == "marketplace"
        subcommand = {"worker": worker, "beat": beat}[args[2]]
        known = {opt for param in subcommand.params for opt in param.opts}
        for option in args[3:]:
            assert option.split("=")[0] in known, f"{option} is not a celery {args[2]} option"
    elif program == "python":
        assert args[0] == "manage.py", argv
        name = args[1]
        commands = get_commands()
        assert name in commands, f"manage.py {name} does not exist"
        command = load_command_class(commands[name], name)
        command.create_parser("manage.py", name).parse_args(args[2:])
    else:
        pytest.fail(f"unexpected program in {argv}")


# --- compose ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def app_services(compose: dict) -> dict[str, dict]:
    return {name: svc for name, svc in compose["services"].items() if svc.get("image") == IMAGE}


def test_compose_runs_every_process_on_the_backing_services(compose):
    assert set(compose["services"]) == {
        "postgres",
        "redis",
        "elasticsearch",
        "migrate",
        "search-index",
        "web",
        "worker",
        "beat",
    }
    apps = app_services(compose)
    assert set(apps) == {"migrate", "search-index", "web", "worker", "beat"}
    for name, service in apps.items():
        assert service["build"] == {"context": "..", "dockerfile": "deploy/Dockerfile"}, name
        assert set(service["depends_on"]) >= {"postgres", "redis", "elasticsearch"}, name
    for name in ("web", "worker", "beat", "search-index"):
        assert apps[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}


def test_compose_commands_exist(compose, db):
    commands = {name: service["command"] for name, service in app_services(compose).items()}
    assert commands["web"][:2] == ["gunicorn", "marketplace.wsgi:application"]
    assert commands["worker"][:4] == ["celery", "-A", "marketplace", "worker"]
    assert commands["beat"][:4] == ["celery", "-A", "marketplace", "beat"]
    assert commands["migrate"] == ["python", "manage.py", "migrate", "--noinput"]
    assert commands["search-index"] == ["python", "manage.py", "search_index", "--rebuild"]
    for command in commands.values():
        check_command(command)


def test_compose_passes_only_settings_the_code_reads(compose):
    for name, service in app_services(compose).items():
        unknown = set(service["environment"]) - SETTINGS_ENV
        assert not unknown, f"{name} passes settings nothing reads: {sorted(unknown)}"
    env = app_services(compose)["web"]["environment"]
    # The three engines that make it scale out are all switched on.
    assert env["DATABASE_URL"].startswith("postgresql://")
    assert env["CELERY_BROKER_URL"].startswith("redis://redis:6379/")
    assert env["ELASTICSEARCH_URL"] == "http://elasticsearch:9200"
    assert env["DJANGO_ENV"] == "production"


def test_compose_web_healthcheck_probes_readyz(compose):
    test = app_services(compose)["web"]["healthcheck"]["test"]
    assert "http://127.0.0.1:8000/readyz" in test[-1]


# --- Kubernetes ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def manifests() -> list[dict]:
    documents = []
    for path in sorted((DEPLOY / "kubernetes").glob("*.yaml")):
        documents += [doc for doc in yaml.safe_load_all(path.read_text()) if doc]
    return documents


def by_kind(manifests, kind: str) -> dict[str, dict]:
    return {doc["metadata"]["name"]: doc for doc in manifests if doc["kind"] == kind}


def containers(workload: dict) -> list[dict]:
    return workload["spec"]["template"]["spec"]["containers"]


def test_manifests_define_web_worker_beat_and_jobs(manifests):
    deployments = by_kind(manifests, "Deployment")
    assert set(deployments) == {"ocop-web", "ocop-worker", "ocop-beat"}
    assert set(by_kind(manifests, "Job")) == {"ocop-migrate", "ocop-search-rebuild"}
    service = by_kind(manifests, "Service")["ocop-web"]
    assert service["spec"]["selector"] == deployments["ocop-web"]["spec"]["selector"]["matchLabels"]
    beat = deployments["ocop-beat"]["spec"]
    assert beat["replicas"] == 1 and beat["strategy"] == {"type": "Recreate"}
    for name, workload in {**deployments, **by_kind(manifests, "Job")}.items():
        pod = workload["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True, name
        assert pod["securityContext"]["runAsUser"] != 0, name
        for container in pod["containers"]:
            assert container["image"] == IMAGE, name


def test_manifest_commands_exist(manifests, db):
    workloads = {**by_kind(manifests, "Deployment"), **by_kind(manifests, "Job")}
    for workload in workloads.values():
        for container in containers(workload):
            check_command(container["command"])


def test_manifests_pass_only_settings_the_code_reads(manifests):
    config = by_kind(manifests, "ConfigMap")["ocop-config"]["data"]
    secret = by_kind(manifests, "Secret")["ocop-secrets"]["stringData"]
    assert not set(config) - SETTINGS_ENV, sorted(set(config) - SETTINGS_ENV)
    assert not set(secret) - SETTINGS_ENV, sorted(set(secret) - SETTINGS_ENV)
    assert {"DJANGO_SECRET_KEY", "DATABASE_URL", "CELERY_BROKER_URL", "ELASTICSEARCH_URL"} <= set(secret)
    workloads = {**by_kind(manifests, "Deployment"), **by_kind(manifests, "Job")}
    for name, workload in workloads.items():
        for container in containers(workload):
            assert container["envFrom"] == [
                {"configMapRef": {"name": "ocop-config"}},
                {"secretRef": {"name": "ocop-secrets"}},
            ], name
            assert not container.get("env"), name


def test_web_probes_use_health_endpoints_with_an_allowed_host(manifests):
    web = containers(by_kind(manifests, "Deployment")["ocop-web"])[0]
    allowed = by_kind(manifests, "ConfigMap")["ocop-config"]["data"]["ALLOWED_HOSTS"].split(",")
    assert web["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert web["readinessProbe"]["httpGet"]["path"] == "/readyz"
    for probe in (web["livenessProbe"], web["readinessProbe"]):
        headers = {h["name"]: h["value"] for h in probe["httpGet"]["httpHeaders"]}
        # The kubelet would send the pod IP as Host, which Django rejects with 400.
        assert headers["Host"] in allowed


def test_probe_paths_answer(client, db):
    assert client.get("/healthz").status_code == 200
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "pending_migrations": 0,
        "broker": "eager",
        "search": "postgresql",
    }


def test_procfile_processes_exist(db):
    """The same processes for Procfile-based platforms (release runs before the new web processes start)."""
    processes = dict(
        line.split(": ", 1) for line in (DEPLOY / "Procfile").read_text().splitlines() if line.strip()
    )
    assert set(processes) == {"release", "web", "worker", "beat"}
    for command in processes.values():
        check_command(command.split())


def test_readiness_reports_an_unreachable_search_cluster_without_failing(client, db, settings):
    from marketplace.search.selectors import _backend_for

    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"  # nothing listens there
    settings.SEARCH_BACKEND = "marketplace.search.backends.elasticsearch.ElasticsearchBackend"
    _backend_for.cache_clear()
    try:
        response = client.get("/readyz")
    finally:
        _backend_for.cache_clear()
    assert response.status_code == 200
    assert response.json()["search"] == "unreachable"


# --- Dockerfile and the settings guide ---------------------------------------------------------------------


def test_dockerfile_builds_a_non_root_image_with_collected_static_files():
    lines = [line.strip() for line in (DEPLOY / "Dockerfile").read_text().splitlines()]
    instructions = [line for line in lines if line and not line.startswith("#")]
    froms = [line for line in instructions if line.startswith("FROM ")]
    assert froms == ["FROM python:3.11-slim AS build", "FROM python:3.11-slim"]
    text = "\n".join(instructions)
    assert "pip install -r requirements.lock" in text
    assert "manage.py collectstatic --noinput" in text
    users = [line for line in instructions if line.startswith("USER ")]
    assert users and users[-1].split()[1].split(":")[0] not in {"root", "0"}
    cmd = next(line for line in reversed(instructions) if line.startswith("CMD "))
    check_command(yaml.safe_load(cmd.removeprefix("CMD ")))


def test_settings_guide_documents_every_setting():
    guide = (DEPLOY / "README.md").read_text()
    missing = sorted(name for name in SETTINGS_ENV if f"`{name}`" not in guide)
    assert not missing, f"deploy/README.md does not document: {missing}"
    assert "pg_dump" in guide and "search_index --rebuild" in guide


def test_beat_schedules_only_registered_tasks():
    from django.conf import settings

    from marketplace.celery import app

    app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks, entry["task"]


# --- Request size limits (issue 12) -------------------------------------------------------------------------


def _megabytes(value: str) -> int:
    assert value.endswith("m"), value
    return int(value[:-1]) * 1024 * 1024


def test_the_proxies_refuse_bodies_past_the_largest_limit_the_application_accepts(manifests):
    from django.conf import settings

    largest = max(settings.MAX_REQUEST_BODY_BYTES, *(size for _, size in settings.REQUEST_BODY_LIMITS))
    assert largest == settings.MAX_UPLOAD_BODY_BYTES
    ingress = by_kind(manifests, "Ingress")["ocop-web"]
    annotation = ingress["metadata"]["annotations"]["nginx.ingress.kubernetes.io/proxy-body-size"]
    assert _megabytes(annotation) == largest
    backend = ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend["name"] == by_kind(manifests, "Service")["ocop-web"]["metadata"]["name"]
    nginx = re.search(r"^\s*client_max_body_size\s+(\S+);", (DEPLOY / "nginx.conf").read_text(), re.M)
    assert nginx and _megabytes(nginx.group(1)) == largest


def test_every_web_command_loads_the_gunicorn_limits(compose, manifests):
    from gunicorn.config import Config

    procfile = dict(line.split(": ", 1) for line in (DEPLOY / "Procfile").read_text().splitlines() if line)
    dockerfile = (DEPLOY / "Dockerfile").read_text().splitlines()
    commands = [
        compose["services"]["web"]["command"],
        containers(by_kind(manifests, "Deployment")["ocop-web"])[0]["command"],
        procfile["web"].split(),
        yaml.safe_load(next(line for line in reversed(dockerfile) if line.startswith("CMD "))[4:]),
    ]
    for command in commands:
        parsed = Config().parser().parse_args(command[1:])
        assert parsed.config == "deploy/gunicorn.conf.py", command
    namespace: dict = {}
    exec((DEPLOY / "gunicorn.conf.py").read_text(), namespace)  # noqa: S102 - our own config file
    limits = {name: namespace[name] for name in Config().settings if name.startswith("limit_request")}
    assert limits == {
        "limit_request_line": 8190,
        "limit_request_fields": 100,
        "limit_request_field_size": 8190,
    }
