"""The pieces of a cluster on one machine: Redis, PostgreSQL, replicas of app.py and nginx in front.

Each runs from Debian's packages on loopback, on a free port, with its data and logs in one folder of the
caller's (a temp folder), in the foreground of its own process, and is stopped by its PID. Used by
scripts/cluster.py (`make cluster`), scripts/cluster_test.py (`make cluster-test`) and the tests that need
a real Redis or PostgreSQL. `nginx_config` is the configuration docs/deploy.md explains.

PostgreSQL refuses to run as root, so as root its processes run as `nobody` (its data folder is given to
that user). Left out on purpose: TLS, passwords (trust on loopback only) and anything that outlives the
folder.
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
SERVICE_USER = "nobody"  # for PostgreSQL when we are root
# The Debian packages each service comes from; `make cluster` installs them (the Makefile's `services`).
PACKAGES = {"redis-server": "redis-server", "nginx": "nginx", "postgres": "postgresql"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Service:
    """One process we started; `stop` ends it (SIGTERM, then SIGKILL) and waits for it."""

    name: str
    process: subprocess.Popen
    log_path: Path
    url: str = ""
    port: int = 0
    info: dict = field(default_factory=dict)

    @property
    def pid(self) -> int:
        return self.process.pid

    def running(self) -> bool:
        return self.process.poll() is None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]

    def kill(self) -> None:
        """SIGKILL: a replica dying mid-request, as a crash or the OOM killer would do it."""
        if self.running():
            os.kill(self.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self, timeout: float = 15) -> None:
        if self.running():
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _start(name: str, argv: list[str], folder: Path, env: dict[str, str] | None = None, **popen) -> Service:
    log_path = folder / f"{name}.log"
    with open(log_path, "ab") as log:  # the child keeps its own copy of the descriptor
        process = subprocess.Popen(
            argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env, **popen
        )
    return Service(name, process, log_path)


def _wait(service: Service, ready, timeout: float) -> Service:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not service.running():
            raise RuntimeError(f"{service.name} exited early:\n{service.log()}")
        try:
            if ready():
                return service
        except Exception:  # noqa: BLE001 - not up yet, whatever the client says
            pass
        time.sleep(0.2)
    service.stop()
    raise RuntimeError(f"{service.name} not ready after {timeout:g} s:\n{service.log()}")


def need(program: str) -> str:
    path = shutil.which(program) or shutil.which(program, path="/usr/sbin:/usr/bin")
    if path is None:
        raise SystemExit(f"{program} is missing: apt-get install -y {PACKAGES[program]} (or `make services`)")
    return path


def start_redis(folder: Path, port: int | None = None) -> Service:
    port = port or free_port()
    argv = [need("redis-server"), "--port", str(port), "--bind", "127.0.0.1", "--dir", str(folder)]
    argv += ["--save", "", "--appendonly", "no", "--daemonize", "no", "--logfile", ""]
    service = _start("redis", argv, folder)
    service.port, service.url = port, f"redis://127.0.0.1:{port}/0"

    def ready() -> bool:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")

    return _wait(service, ready, 20)


def postgres_bin(program: str) -> str:
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
    if not versions:
        raise SystemExit("PostgreSQL is missing: apt-get install -y postgresql (or `make services`)")
    return str(versions[-1] / program)


def _as_service_user(path: Path) -> dict:
    """Popen arguments that run PostgreSQL as `nobody` when we are root (it refuses root), else as us."""
    if os.geteuid() != 0:
        return {}
    user = pwd.getpwnam(SERVICE_USER)
    # It must be able to reach its data folder: temp folders are made private (0700), so let others
    # pass through (not list) the ones between the system's temp folder and it.
    temp = Path(tempfile.gettempdir()).resolve()
    for folder in path.resolve().parents:
        if folder == temp or temp not in folder.parents:
            break
        folder.chmod(folder.stat().st_mode | 0o711)
    os.chown(path, user.pw_uid, user.pw_gid)
    return {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": [], "cwd": path}


def start_postgres(folder: Path, database: str = "guide") -> Service:
    """A fresh cluster in folder/postgres; `url` is postgresql://guide@127.0.0.1:PORT/guide."""
    import psycopg

    data = folder / "postgres"
    data.mkdir()
    as_user = _as_service_user(data)
    env = {"PATH": os.environ.get("PATH", ""), "LC_ALL": "C.UTF-8"}
    init = [postgres_bin("initdb"), "-D", str(data), "-U", "guide", "--auth=trust", "-E", "UTF8", "--locale=C"]
    subprocess.run([*init, "--no-sync"], check=True, capture_output=True, env=env, **as_user)
    port = free_port()
    argv = [postgres_bin("postgres"), "-D", str(data), "-p", str(port), "-c", "listen_addresses=127.0.0.1"]
    argv += ["-c", f"unix_socket_directories={data}", "-c", "fsync=off", "-c", "max_connections=50"]
    service = _start("postgres", argv, folder, env=env, **as_user)
    service.port = port
    admin = f"postgresql://guide@127.0.0.1:{port}/postgres"
    _wait(service, lambda: psycopg.connect(admin, connect_timeout=2).close() is None, 30)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{database}"')
    service.url = f"postgresql://guide@127.0.0.1:{port}/{database}"
    return service


def start_replica(
    folder: Path, index_dir: Path, port: int, env: dict[str, str], *extra_args: str, name: str | None = None
) -> Service:
    """`python app.py` on 127.0.0.1:port, trusting X-Forwarded-For from nginx on 127.0.0.1 only."""
    name = name or f"replica-{port}"
    own = folder / name
    own.mkdir(exist_ok=True)
    full_env = {
        **os.environ,
        "GUIDE_TEMP_DIR": str(own / "gradio-tmp"),
        "GUIDE_FEEDBACK_DB": str(own / "feedback.db"),  # unused when GUIDE_DATABASE_URL is set
        "PYTHONUNBUFFERED": "1",
        **env,
    }
    argv = [sys.executable, str(ROOT / "app.py"), "--host", "127.0.0.1", "--port", str(port)]
    argv += ["--index", str(index_dir), "--trusted-proxies", "127.0.0.1", *extra_args]
    service = _start(name, argv, folder, env=full_env, cwd=ROOT)
    service.port, service.url = port, f"http://127.0.0.1:{port}"
    return service


def wait_replica(service: Service, timeout: float = 180) -> Service:
    return _wait(service, lambda: httpx.get(service.url + "/healthz", timeout=2).status_code == 200, timeout)


def nginx_config(listen_port: int, replica_ports: list[int], prefix: Path | None = None) -> str:
    """nginx in front of the replicas: the chat sticks to one replica per client address, the API goes
    to the least busy one, and a POST /api/ask that fails on a dying replica is retried on another."""
    servers = "\n".join(f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=10s;" for p in replica_ports)
    paths = ""
    if prefix is not None:  # everything nginx writes stays in the folder
        paths = "\n".join(
            f"    {kind}_temp_path {prefix / (kind + '-temp')};"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
    return f"""\
worker_processes 1;
error_log stderr warn;
{"pid " + str(prefix / "nginx.pid") + ";" if prefix else ""}
events {{ worker_connections 1024; }}

http {{
    access_log off;
{paths}
    # The chat (Gradio) keeps each conversation in the process that served it: one client address, one
    # replica. `hash $remote_addr consistent` rather than ip_hash: ip_hash keys IPv4 on its first three
    # octets only, so a whole /24 (and all of 127.0.0.0/8) would land on one replica.
    upstream guide_chat {{
        hash $remote_addr consistent;
{servers}
        keepalive 16;
        keepalive_timeout 4s;  # under the replicas' own idle timeout (GUIDE_IDLE_TIMEOUT, 5 s)
    }}
    # The JSON API and the widget are stateless: any replica, the least busy first.
    upstream guide_api {{
        least_conn;
{servers}
        keepalive 16;
        keepalive_timeout 4s;
    }}

    server {{
        listen 127.0.0.1:{listen_port};
        client_max_body_size 256k;  # the app's own limit (docs/api.md)

        proxy_http_version 1.1;
        proxy_set_header Connection "";
        # $http_host keeps the port, which Gradio needs to build its page's URLs. The client address is
        # *set*, not appended to: the replicas believe it from this proxy only (--trusted-proxies).
        proxy_set_header Host $http_host;
        proxy_set_header X-Forwarded-For $remote_addr;
        proxy_set_header X-Real-IP $remote_addr;
        proxy_set_header X-Forwarded-Proto $scheme;
        add_header X-Upstream $upstream_addr always;  # which replica answered: for checks, drop it if you like
        proxy_connect_timeout 2s;

        # Asking is safe to repeat (it changes nothing), so a POST that failed on a replica that died is
        # sent to the next one (non_idempotent), at most 3 tries.
        location = /api/ask {{
            proxy_pass http://guide_api;
            proxy_next_upstream error timeout http_502 http_503 non_idempotent;
            proxy_next_upstream_tries 3;
            proxy_read_timeout 60s;
        }}
        location /api/ {{
            proxy_pass http://guide_api;
        }}
        location = /embed.js {{
            proxy_pass http://guide_api;
        }}
        location = /healthz {{
            proxy_pass http://guide_api;
        }}
        # Everything else is the chat: its event streams must not be buffered.
        location / {{
            proxy_pass http://guide_chat;
            proxy_buffering off;
            proxy_read_timeout 300s;
        }}
    }}
}}
"""


def start_nginx(folder: Path, replica_ports: list[int], port: int | None = None) -> Service:
    prefix = folder / "nginx"
    prefix.mkdir(exist_ok=True)
    port = port or free_port()
    config = prefix / "nginx.conf"
    config.write_text(nginx_config(port, replica_ports, prefix))
    argv = [need("nginx"), "-p", str(prefix), "-c", str(config), "-e", "stderr", "-g", "daemon off;"]
    subprocess.run([*argv[:-2], "-t", "-q"], check=True, capture_output=True)
    service = _start("nginx", argv, folder)
    service.port, service.url = port, f"http://127.0.0.1:{port}"
    return _wait(service, lambda: httpx.get(service.url + "/healthz", timeout=2).status_code == 200, 20)


class Cluster:
    """Redis, PostgreSQL, `replicas` app processes sharing one index folder, and nginx in front, all in
    `folder`. `start()` returns once nginx answers /healthz; `stop()` ends everything it started, by PID,
    newest first, and is safe to call at any point (also after a failed start)."""

    def __init__(
        self,
        folder: Path,
        index_dir: Path,
        corpus_dir: Path,
        replicas: int = 3,
        port: int | None = None,
        env: dict[str, str] | None = None,
    ):
        self.folder = folder
        self.index_dir = index_dir
        self.corpus_dir = corpus_dir  # what the replicas compare the index with at start
        self.replica_count = replicas
        self.port = port
        self.env = dict(env or {})
        self.services: list[Service] = []
        self.redis: Service | None = None
        self.postgres: Service | None = None
        self.replicas: list[Service] = []
        self.nginx: Service | None = None

    def start(self, say=print) -> Cluster:
        try:
            self.redis = self._keep(start_redis(self.folder))
            say(f"redis       {self.redis.url}  (pid {self.redis.pid})")
            self.postgres = self._keep(start_postgres(self.folder))
            say(f"postgresql  {self.postgres.url}  (pid {self.postgres.pid})")
            env = {"GUIDE_REDIS_URL": self.redis.url, "GUIDE_DATABASE_URL": self.postgres.url, **self.env}
            ports = [free_port() for _ in range(self.replica_count)]
            # Started together: each spends its first seconds loading the model.
            corpus = ("--corpus", str(self.corpus_dir))
            started = [self._keep(start_replica(self.folder, self.index_dir, p, env, *corpus)) for p in ports]
            for replica in started:
                self.replicas.append(wait_replica(replica))
                say(f"replica     {replica.url}  (pid {replica.pid})")
            self.nginx = self._keep(start_nginx(self.folder, ports, self.port))
            say(f"nginx       {self.nginx.url}  (pid {self.nginx.pid})")
        except BaseException:
            self.stop()
            raise
        return self

    def _keep(self, service: Service) -> Service:
        self.services.append(service)
        return service

    def stop(self) -> None:
        for service in reversed(self.services):
            service.stop()
        self.services.clear()

    def __enter__(self) -> Cluster:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def build_index(corpus: Path, index_dir: Path) -> str:
    """`python -m assistant build` into index_dir; returns the build it switched `current` to."""
    argv = [sys.executable, "-m", "assistant", "build", "--corpus", str(corpus), "--index", str(index_dir)]
    subprocess.run(argv, check=True, cwd=ROOT, capture_output=True)
    return os.readlink(index_dir / "current")
