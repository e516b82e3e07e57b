"""The embedded default database: a PostgreSQL cluster under $MACRO_HOME/pg on 127.0.0.1.

We run the machine's own PostgreSQL binaries (Debian's maintained build) rather than a wheel that
bundles a server: they get security updates with the OS, ship contrib, and need no download at
run time. Postgres refuses to run as root, so as root the server runs inside a user namespace in
which it is an ordinary user (files stay owned by the caller); where user namespaces are not
allowed we fall back to the unprivileged ``postgres`` account.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path

from macro_models.config import Settings, get_settings

SUPERUSER = "macro"
# The cluster trusts loopback connections; the password only exists because some clients
# (Cosmos' Postgres profile mapping) refuse a connection without one.
PASSWORD = "macro"


class EmbeddedDbError(RuntimeError):
    """The embedded PostgreSQL could not be found, initialised or started."""


@dataclass(frozen=True)
class EmbeddedPostgres:
    data_dir: Path
    port: int
    bin_dir: Path
    log_file: Path

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> EmbeddedPostgres:
        settings = settings or get_settings()
        home = settings.home_dir
        return cls(
            data_dir=home / "pg" / "data",
            port=settings.pg_port,
            bin_dir=find_bin_dir(settings.pg_bin),
            log_file=home / "pg" / "postgres.log",
        )

    def url(self, dbname: str) -> str:
        return f"postgresql+psycopg://{SUPERUSER}:{PASSWORD}@127.0.0.1:{self.port}/{dbname}"

    def is_initialised(self) -> bool:
        return (self.data_dir / "PG_VERSION").exists()

    def is_running(self) -> bool:
        with socket.socket() as sock:
            sock.settimeout(0.5)
            return sock.connect_ex(("127.0.0.1", self.port)) == 0

    def start(self) -> None:
        if not self.is_initialised():
            self._initdb()
        if self.is_running():
            if not (self.data_dir / "postmaster.pid").exists():
                raise EmbeddedDbError(
                    f"port {self.port} on 127.0.0.1 is taken by another server; "
                    "set MACRO_PG_PORT to a free port or MACRO_DATABASE_URL to that server"
                )
            return
        self._run(
            [
                str(self.bin_dir / "pg_ctl"),
                "start",
                "-w",
                "-t",
                "60",
                "-D",
                str(self.data_dir),
                "-l",
                str(self.log_file),
                "-o",
                f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.data_dir}",
            ],
            "start",
        )

    def stop(self) -> None:
        if not self.is_initialised() or not (self.data_dir / "postmaster.pid").exists():
            return
        self._run(
            [str(self.bin_dir / "pg_ctl"), "stop", "-w", "-m", "fast", "-D", str(self.data_dir)],
            "stop",
        )

    def ensure_database(self, dbname: str) -> None:
        import psycopg

        with psycopg.connect(self.url("postgres").replace("+psycopg", ""), autocommit=True) as c:
            exists = c.execute("select 1 from pg_database where datname = %s", (dbname,)).fetchone()
            if not exists:
                c.execute(f'create database "{dbname}"')

    def _initdb(self) -> None:
        self.data_dir.parent.mkdir(parents=True, exist_ok=True)
        self._run(
            [
                str(self.bin_dir / "initdb"),
                "-D",
                str(self.data_dir),
                "-U",
                SUPERUSER,
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
            ],
            "initdb",
        )
        # Tuned for a 2-core laptop-sized machine running tests and the demo, not for a server.
        with open(self.data_dir / "postgresql.conf", "a") as conf:
            conf.write(
                "\n# macro embedded defaults\nfsync = off\nsynchronous_commit = off\n"
                "full_page_writes = off\nshared_buffers = 256MB\nmax_connections = 100\n"
                "timezone = 'UTC'\n"
            )

    def _run(self, cmd: list[str], what: str) -> None:
        cmd = _unprivileged(cmd, self.data_dir.parent)
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
            log = ""
            if self.log_file.exists():
                log = " | log: " + " / ".join(self.log_file.read_text().splitlines()[-3:])
            raise EmbeddedDbError(f"embedded postgres {what} failed: {' / '.join(tail)}{log}")


def find_bin_dir(configured: Path | None = None) -> Path:
    """Where initdb and pg_ctl live: MACRO_PG_BIN, then pg_config, then Debian's layout."""
    candidates: list[Path] = []
    if configured:
        candidates.append(Path(configured))
    if pg_config := shutil.which("pg_config"):
        out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True)
        if out.returncode == 0:
            candidates.append(Path(out.stdout.strip()))
    versions = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]), reverse=True
    )
    candidates += [Path(p) for p in versions]
    if initdb := shutil.which("initdb"):
        candidates.append(Path(initdb).resolve().parent)
    for cand in candidates:
        if (cand / "initdb").exists() and (cand / "pg_ctl").exists():
            return cand
    raise EmbeddedDbError(
        "no PostgreSQL server binaries found (initdb, pg_ctl): install PostgreSQL "
        "(Debian: apt-get install postgresql), set MACRO_PG_BIN to their folder, "
        "or set MACRO_DATABASE_URL to an existing server"
    )


def _unprivileged(cmd: list[str], state_dir: Path) -> list[str]:
    if os.geteuid() != 0:
        return cmd
    if _userns_available():
        # Inside the namespace the server is uid 1000 and owns the (root-owned) files it needs.
        return ["unshare", "--user", "--map-user=1000", "--map-group=1000", *cmd]
    try:
        pw = pwd.getpwnam("postgres")
    except KeyError as exc:
        raise EmbeddedDbError(
            "running as root without user namespaces or a 'postgres' account: "
            "run as an ordinary user or set MACRO_DATABASE_URL"
        ) from exc
    for path in [state_dir, *state_dir.rglob("*")]:
        os.chown(path, pw.pw_uid, pw.pw_gid)
    return ["runuser", "-u", "postgres", "--", *cmd]


def _userns_available() -> bool:
    if not shutil.which("unshare"):
        return False
    probe = subprocess.run(
        ["unshare", "--user", "--map-user=1000", "--map-group=1000", "true"], capture_output=True
    )
    return probe.returncode == 0
