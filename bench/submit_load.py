"""The submit benchmark's load: renewals created and submitted over HTTP by ``concurrency``
threads, each one distinct person's, spread over the web processes, each timed from its first
request to its last answer — one ``createRenewal(submit: true)``, or (``two_calls``) a
``createRenewal`` then a ``submitApplication``; and the application workers the run starts.

No Django here: the load speaks GraphQL over HTTP like any client.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bench.common import ROOT
from bench.submit_seed import Renewing

CREATE = """mutation($sponsor: ID!, $people: [RenewalPersonInput!]!) {
  createRenewal(sponsorId: $sponsor, people: $people) { application { id } errors { code } } }"""
SUBMIT = """mutation($id: ID!) {
  submitApplication(applicationId: $id) { application { state } errors { code } } }"""
CREATE_AND_SUBMIT = """mutation($sponsor: ID!, $people: [RenewalPersonInput!]!) {
  createRenewal(sponsorId: $sponsor, people: $people, submit: true) {
    application { id state } errors { code } } }"""


@dataclass
class Load:
    seconds: list[float] = field(default_factory=list)  # per create + submit
    errors: list[str] = field(default_factory=list)
    started: float = 0.0
    finished: float = 0.0  # monotonic time of the last answer


def _call(http: httpx.Client, url: str, token: str, query: str, variables: dict) -> dict:
    response = http.post(
        f"{url}/graphql/",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {token}"},
    )
    response.raise_for_status()
    body = response.json()
    if "errors" in body:
        raise RuntimeError(str(body["errors"])[:300])
    (payload,) = body["data"].values()
    if payload["errors"]:
        raise RuntimeError(str(payload["errors"])[:300])
    return payload


def create_and_submit(http: httpx.Client, url: str, who: Renewing, two_calls: bool) -> None:
    people = [{"personId": gid, "months": 12} for gid in who.person_gids]
    variables = {"sponsor": who.sponsor_gid, "people": people}
    if not two_calls:
        submitted = _call(http, url, who.token, CREATE_AND_SUBMIT, variables)
        if submitted["application"]["state"] != "CHECKING":
            raise RuntimeError(f"not submitted: {submitted}")
        return
    created = _call(http, url, who.token, CREATE, variables)
    _call(http, url, who.token, SUBMIT, {"id": created["application"]["id"]})


def run(urls: list[str], renewing: list[Renewing], concurrency: int, two_calls: bool) -> Load:
    """Every renewal once, ``concurrency`` at a time, the web processes taken in turn."""
    load = Load()
    lock = threading.Lock()
    todo = iter(enumerate(renewing))

    def client() -> None:
        with httpx.Client(timeout=60) as http:
            while True:
                with lock:
                    item = next(todo, None)
                if item is None:
                    return
                index, who = item
                began = time.monotonic()
                try:
                    create_and_submit(http, urls[index % len(urls)], who, two_calls)
                except Exception as exc:  # counted and shown, the run goes on
                    with lock:
                        load.errors.append(f"{type(exc).__name__}: {exc}")
                    continue
                ended = time.monotonic()
                with lock:
                    load.seconds.append(ended - began)
                    load.finished = max(load.finished, ended)

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    load.started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return load


class Workers:
    """``manage.py application_worker`` processes, stopped (SIGTERM, then SIGKILL) at the end."""

    def __init__(self, env: dict[str, str], count: int, log_dir: Path) -> None:
        self.processes: list[subprocess.Popen] = []
        self.logs = [log_dir / f"worker-{i + 1}.log" for i in range(count)]
        for log_path in self.logs:
            with log_path.open("wb") as log:
                self.processes.append(
                    subprocess.Popen(
                        [sys.executable, "manage.py", "application_worker"],
                        cwd=ROOT,
                        env=env,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                        stdin=subprocess.DEVNULL,
                        start_new_session=True,
                    )
                )

    def pids(self) -> list[int]:
        return [p.pid for p in self.processes]

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
