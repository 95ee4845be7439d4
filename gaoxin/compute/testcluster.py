# ruff: noqa: S108, S603, S607, S310  (starts the local Slurm daemons from fixed paths; talks to localhost only)
"""A real Slurm test cluster on localhost, from Debian's packages, started and stopped by the project.

Two one-node clusters (``gaoxin-a``, ``gaoxin-b``) share one munge daemon and one slurmdbd (accounting in the
machine's MariaDB); each has its own slurmctld, slurmd and slurmrestd (JWT auth on a TCP port), so a broker test
can lose a whole pool while the other keeps running. Everything lives under ``GAOXIN_SLURM_DIR``
(default ``/tmp/gaoxin-slurm``): configuration, keys, state, logs and pid files. Nothing here imports Django.

    python -m gaoxin.compute.testcluster start     # idempotent; waits until both REST APIs answer
    python -m gaoxin.compute.testcluster status
    python -m gaoxin.compute.testcluster stop
    python -m gaoxin.compute.testcluster token     # a JWT for the REST APIs

The packages: slurmctld slurmd slurmrestd slurmdbd munge slurm-client (``.ci/run`` installs them).
"""

from __future__ import annotations

import base64
import fcntl
import hashlib
import hmac
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

BINARIES = ("munged", "slurmdbd", "slurmctld", "slurmd", "slurmrestd", "sacctmgr", "scontrol")
DB_NAME = "gaoxin_slurm_acct"
DBD_PORT = 16819
USER = "root"


@dataclass(frozen=True)
class Cluster:
    name: str
    node: str
    ctld_port: int
    slurmd_port: int
    rest_port: int
    cpus: int
    memory_mb: int

    @property
    def rest_url(self) -> str:
        return f"http://127.0.0.1:{self.rest_port}"


CLUSTERS = (
    Cluster("gaoxin-a", "a1", 16817, 16818, 16820, cpus=8, memory_mb=8000),
    Cluster("gaoxin-b", "b1", 16827, 16828, 16830, cpus=4, memory_mb=4000),
)


def base_dir() -> Path:
    return Path(os.environ.get("GAOXIN_SLURM_DIR", "/tmp/gaoxin-slurm"))


def available() -> str:
    """Empty when the cluster can run here, else the reason it cannot."""
    missing = [b for b in BINARIES if shutil.which(b) is None and not Path("/usr/sbin", b).exists()]
    if missing:
        return "Slurm not installed (apt-get install slurmctld slurmd slurmrestd slurmdbd munge slurm-client): " + (
            ", ".join(missing)
        )
    if os.geteuid() != 0:
        return "the Slurm test cluster runs its daemons as root"
    return ""


def _bin(name: str) -> str:
    return shutil.which(name) or str(Path("/usr/sbin", name))


def _write(path: Path, text: str, mode: int = 0o644) -> None:
    path.write_text(text)
    path.chmod(mode)


def _conf_dir(cluster: Cluster) -> Path:
    return base_dir() / cluster.name


def conf_path(cluster: Cluster) -> Path:
    return _conf_dir(cluster) / "slurm.conf"


def _slurm_conf(cluster: Cluster) -> str:
    d = _conf_dir(cluster)
    root = base_dir()
    return f"""ClusterName={cluster.name}
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort={cluster.ctld_port}
SlurmdPort={cluster.slurmd_port}
SlurmUser={USER}
SlurmdUser={USER}
AuthType=auth/munge
AuthInfo=socket={root}/munge/munge.sock
AuthAltTypes=auth/jwt
AuthAltParameters=jwt_key={root}/jwt.key
StateSaveLocation={d}/state
SlurmdSpoolDir={d}/spool
SlurmctldPidFile={d}/slurmctld.pid
SlurmdPidFile={d}/slurmd.pid
SlurmctldLogFile={d}/slurmctld.log
SlurmdLogFile={d}/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SchedulerType=sched/backfill
SchedulerParameters=defer_batch
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
SlurmdParameters=config_overrides
ReturnToService=2
SlurmdTimeout=10
SlurmctldTimeout=10
MinJobAge=30
KillWait=2
InactiveLimit=0
JobAcctGatherType=jobacct_gather/linux
JobAcctGatherFrequency=5
AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=127.0.0.1
AccountingStoragePort={DBD_PORT}
AccountingStoragePass={root}/munge/munge.sock
AccountingStorageTRES=cpu,mem,gres/gpu
GresTypes=gpu
JobCompType=jobcomp/none
NodeName={cluster.node} NodeHostname={socket.gethostname()} NodeAddr=127.0.0.1 CPUs={cluster.cpus} \
RealMemory={cluster.memory_mb} State=UNKNOWN
PartitionName=compute Nodes={cluster.node} Default=YES MaxTime=INFINITE State=UP
"""


def _slurmdbd_conf() -> str:
    root = base_dir()
    return f"""AuthType=auth/munge
AuthInfo=socket={root}/munge/munge.sock
AuthAltTypes=auth/jwt
AuthAltParameters=jwt_key={root}/jwt.key
DbdHost=localhost
DbdAddr=127.0.0.1
DbdPort={DBD_PORT}
SlurmUser={USER}
LogFile={root}/slurmdbd.log
PidFile={root}/slurmdbd.pid
StorageType=accounting_storage/mysql
StorageHost=localhost
StorageUser=root
StorageLoc={DB_NAME}
"""


def _pid_alive(pid_file: Path) -> bool:
    try:
        pid = int(pid_file.read_text().strip())
        os.kill(pid, 0)
    except (OSError, ValueError):
        return False
    return True


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _wait(what: str, ready: Callable[[], bool], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ready():
            return
        time.sleep(0.3)
    raise RuntimeError(f"Slurm test cluster: {what} did not come up within {timeout:.0f} s (logs in {base_dir()})")


def _run(*args: str, env: dict[str, str] | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, env={**os.environ, **(env or {})}, check=check, capture_output=True, text=True)


def _ensure_mariadb() -> None:
    if _run("mariadb", "-uroot", "-e", "SELECT 1", check=False).returncode != 0:
        subprocess.run(["start-stop-daemon", "--start", "--oknodo", "--background", "--exec", "/usr/sbin/mariadbd"],
                       check=False)
        _wait("MariaDB", lambda: _run("mariadb", "-uroot", "-e", "SELECT 1", check=False).returncode == 0)


def _prepare() -> None:
    root = base_dir()
    (root / "munge").mkdir(parents=True, exist_ok=True)
    if not (root / "munge" / "munge.key").exists():
        _write(root / "munge" / "munge.key", secrets.token_hex(64), 0o600)
    if not (root / "jwt.key").exists():
        (root / "jwt.key").write_bytes(secrets.token_bytes(32))
        (root / "jwt.key").chmod(0o600)
    (root / "dbd").mkdir(exist_ok=True)
    _write(root / "dbd" / "slurmdbd.conf", _slurmdbd_conf(), 0o600)
    for cluster in CLUSTERS:
        d = _conf_dir(cluster)
        for sub in ("state", "spool"):
            (d / sub).mkdir(parents=True, exist_ok=True)
        _write(conf_path(cluster), _slurm_conf(cluster))


def _start_munge() -> None:
    root = base_dir() / "munge"
    if _pid_alive(root / "munged.pid"):
        return
    _run(_bin("munged"), "--force", f"--socket={root}/munge.sock", f"--key-file={root}/munge.key",
         f"--pid-file={root}/munged.pid", f"--log-file={root}/munged.log", f"--seed-file={root}/munged.seed")
    _wait("munged", lambda: (root / "munge.sock").exists())


def _start_dbd() -> None:
    root = base_dir()
    if _pid_alive(root / "slurmdbd.pid"):
        return
    _ensure_mariadb()
    # slurmdbd reads slurmdbd.conf beside the file SLURM_CONF names
    subprocess.run([_bin("slurmdbd")], check=True, env={**os.environ, "SLURM_CONF": str(root / "dbd" / "slurm.conf")})
    _wait("slurmdbd", lambda: _port_open(DBD_PORT))
    for cluster in CLUSTERS:
        env = {"SLURM_CONF": str(conf_path(cluster))}
        listed = _run(_bin("sacctmgr"), "-n", "-P", "list", "cluster", "format=cluster", env=env).stdout.split()
        if cluster.name not in listed:
            _run(_bin("sacctmgr"), "-i", "add", "cluster", cluster.name, env=env)


def start_daemons(cluster: Cluster) -> None:
    """slurmctld, slurmd and slurmrestd of one cluster (each left alone when already running)."""
    d = _conf_dir(cluster)
    env = {**os.environ, "SLURM_CONF": str(conf_path(cluster))}
    if not _pid_alive(d / "slurmctld.pid"):
        subprocess.run([_bin("slurmctld"), "-f", str(conf_path(cluster))], env=env, check=True)
    _wait(f"{cluster.name} slurmctld", lambda: _port_open(cluster.ctld_port))
    start_slurmd(cluster)
    if not _pid_alive(d / "slurmrestd.pid"):
        log = open(d / "slurmrestd.log", "ab")  # noqa: SIM115 - handed to the daemon
        proc = subprocess.Popen(
            [_bin("slurmrestd"), "-f", str(conf_path(cluster)), "-a", "rest_auth/jwt",
             "-s", "openapi/v0.0.38,openapi/dbv0.0.38", "-u", "nobody", "-g", "nogroup",
             f"127.0.0.1:{cluster.rest_port}"],
            env={**env, "SLURM_JWT": "daemon"}, stdout=log, stderr=log, start_new_session=True)
        (d / "slurmrestd.pid").write_text(str(proc.pid))
    _wait(f"{cluster.name} slurmrestd", lambda: _rest_ping(cluster))


def start_slurmd(cluster: Cluster) -> None:
    d = _conf_dir(cluster)
    if not _pid_alive(d / "slurmd.pid"):
        env = {**os.environ, "SLURM_CONF": str(conf_path(cluster))}
        subprocess.run([_bin("slurmd"), "-f", str(conf_path(cluster)), "-N", cluster.node], env=env, check=True)
    _wait(f"{cluster.name} slurmd", lambda: _port_open(cluster.slurmd_port))


def stop_slurmd(cluster: Cluster) -> None:
    """Kill one cluster's slurmd: its node goes dark, as a data centre losing its compute nodes would."""
    _kill(_conf_dir(cluster) / "slurmd.pid", signal.SIGKILL)


def _rest_ping(cluster: Cluster) -> bool:
    request = urllib.request.Request(
        f"{cluster.rest_url}/slurm/v0.0.38/ping",
        headers={"X-SLURM-USER-NAME": USER, "X-SLURM-USER-TOKEN": token()})
    try:
        with urllib.request.urlopen(request, timeout=2) as response:  # noqa: S310 - localhost only
            return bool(response.status == 200)
    except OSError:
        return False


def token(lifespan_seconds: int = 86400 * 30, now: float | None = None) -> str:
    """An HS256 JWT signed with the cluster's key, as ``scontrol token`` would issue (claims ``sun``, ``iat``,
    ``exp``)."""
    issued = int(now if now is not None else time.time())
    def b64(raw: bytes) -> str:
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
    header = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    claims = b64(json.dumps({"iat": issued, "exp": issued + lifespan_seconds, "sun": USER}).encode())
    key = (base_dir() / "jwt.key").read_bytes()
    signature = b64(hmac.new(key, f"{header}.{claims}".encode(), hashlib.sha256).digest())
    return f"{header}.{claims}.{signature}"


def start() -> None:
    reason = available()
    if reason:
        raise RuntimeError(reason)
    base_dir().mkdir(parents=True, exist_ok=True)
    with open(base_dir() / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        _prepare()
        _start_munge()
        _start_dbd()
        for cluster in CLUSTERS:
            start_daemons(cluster)


def _kill(pid_file: Path, sig: int = signal.SIGTERM) -> None:
    try:
        pid = int(pid_file.read_text().strip())
        os.kill(pid, sig)
    except (OSError, ValueError):
        return
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except OSError:
            break
        time.sleep(0.1)
    pid_file.unlink(missing_ok=True)


def stop() -> None:
    for cluster in CLUSTERS:
        d = _conf_dir(cluster)
        for daemon in ("slurmrestd", "slurmd", "slurmctld"):
            _kill(d / f"{daemon}.pid")
    _kill(base_dir() / "slurmdbd.pid")
    _kill(base_dir() / "munge" / "munged.pid")


def status() -> dict[str, bool]:
    result = {"munged": _pid_alive(base_dir() / "munge" / "munged.pid"),
              "slurmdbd": _pid_alive(base_dir() / "slurmdbd.pid")}
    for cluster in CLUSTERS:
        for daemon in ("slurmctld", "slurmd", "slurmrestd"):
            result[f"{cluster.name}/{daemon}"] = _pid_alive(_conf_dir(cluster) / f"{daemon}.pid")
    return result


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "status"
    if command == "start":
        start()
        print(f"Slurm test cluster up in {base_dir()}: "
              + ", ".join(f"{c.name} REST {c.rest_url}" for c in CLUSTERS))
    elif command == "stop":
        stop()
    elif command == "token":
        print(token())
    else:
        for name, up in status().items():
            print(f"{name:24} {'up' if up else 'down'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
