"""Daphne processes serving the service, for the realtime tests and the benchmarks.

``start_daphne(env, log_dir)`` runs ``daphne iqama.asgi:application`` from the project root on a
free port with that environment, its output in a log file, and hands it over once ``/healthz``
answers 200; another process may take the free port before daphne binds it, so a start is tried
again on another. Each process leads a session of its own: a ^C in the terminal reaches whoever
started it, who stops it. Neither pytest nor Django is needed here (the benchmarks set Django up
after choosing their database).
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
ASGI_APPLICATION = "iqama.asgi:application"
STARTUP_TIMEOUT = 30.0
START_ATTEMPTS = 3


class DaphneFailed(RuntimeError):
    """Daphne did not become healthy; the message ends with its log."""


@dataclass
class DaphneServer:
    name: str
    port: int
    process: subprocess.Popen
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/graphql/"

    @property
    def pid(self) -> int:
        return self.process.pid

    def log(self, offset: int = 0) -> str:
        """What it logged from byte ``offset`` on."""
        try:
            with self.log_path.open("rb") as log:
                log.seek(offset)
                return log.read().decode(errors="replace")
        except OSError as exc:
            return f"(no log: {exc})"

    def log_size(self) -> int:
        try:
            return self.log_path.stat().st_size
        except OSError:
            return 0

    def tail(self, lines: int = 40) -> str:
        return "\n".join(self.log().splitlines()[-lines:])

    def stop(self, timeout: float = 10) -> None:
        """SIGTERM, then SIGKILL after ``timeout``."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=timeout)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_daphne(
    env: dict[str, str],
    log_dir: Path,
    name: str = "daphne",
    timeout: float = STARTUP_TIMEOUT,
) -> DaphneServer:
    """A healthy daphne process on a free port; raises ``DaphneFailed`` with its log. A value
    of ``env`` may name the port as ``{port}`` (a public URL the process must know)."""
    for _attempt in range(START_ATTEMPTS):
        port = free_port()
        port_env = {key: value.replace("{port}", str(port)) for key, value in env.items()}
        log_path = log_dir / f"{name}-{port}.log"
        command = [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port)]
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                [*command, ASGI_APPLICATION],
                cwd=ROOT,
                env=port_env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        server = DaphneServer(name=name, port=port, process=process, log_path=log_path)
        error = _wait_healthy(server, timeout)
        if error is None:
            return server
        server.stop()
        if "Address already in use" not in server.log():
            break
    raise DaphneFailed(f"daphne {name} did not start: {error}\n--- daphne log ---\n{server.log()}")


def _wait_healthy(server: DaphneServer, timeout: float) -> str | None:
    """None once ``/healthz`` answers 200; else what went wrong last."""
    error = ""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            return f"daphne exited with code {server.process.returncode}"
        try:
            response = httpx.get(f"{server.url}/healthz", timeout=2)
            if response.status_code == 200:
                return None
            error = f"/healthz answered {response.status_code}: {response.text}"
        except httpx.HTTPError as exc:
            error = f"/healthz: {type(exc).__name__}: {exc}"
        time.sleep(0.1)
    return f"not healthy after {timeout:.0f} s; last: {error}"
