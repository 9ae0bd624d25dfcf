"""places.cluster and `gazette geoparse --scheduler`: the same output on a Dask LocalCluster, streamed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from places.model import Article
from tests.conftest import REPO_ROOT, shared_path

distributed = pytest.importorskip("distributed", reason="the cluster extra (pip install '.[cluster]') is not installed")


@pytest.fixture(scope="module")
def cluster():
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                      worker_dashboard_address=None) as local, Client(local) as client:  # fmt: skip
        yield local, client


def _gazette(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(REPO_ROOT / "main.py"), *args], capture_output=True, text=True,
                          timeout=600, cwd=REPO_ROOT, env={**os.environ, "PYTHONIOENCODING": "utf-8"})  # fmt: skip


def test_cluster_output_is_the_local_output_in_order_and_streamed(cluster):
    from places.cluster import geoparse_on_cluster
    from places.geoparse import shared_geoparser

    _, client = cluster
    read = []

    def articles():
        with open(shared_path("corpora", "LGL.jsonl"), encoding="utf-8") as f:
            for line in f:
                record = json.loads(line)
                read.append(record["id"])
                yield Article(id=str(record["id"]), title=str(record["id"]), text=record["text"])

    done = []
    docs = geoparse_on_cluster(articles(), scheduler=client, partition_size=16, max_in_flight=3, on_partition=done.append)
    first = next(docs)
    assert len(read) <= 3 * 16  # the input is read a few partitions ahead, not all at once
    docs = [first, *docs]
    assert len(docs) == len(read) == 588
    assert docs == [shared_geoparser().parse(Article(id=a.article.id, title=a.article.title, text=a.article.text)) for a in docs]
    assert [d.index for d in done] == list(range(len(done))) and sum(d.articles for d in done) == 588
    assert max(d.in_flight for d in done) <= 3
    assert len({d.worker_pid for d in done}) >= 2 and os.getpid() not in {d.worker_pid for d in done}


def test_cli_scheduler_output_is_byte_identical_to_the_local_path(cluster):
    local_cluster, _ = cluster
    lgl = str(shared_path("corpora", "LGL.jsonl"))
    local = _gazette("geoparse", "--jsonl", lgl)
    remote = _gazette("geoparse", "--jsonl", lgl, "--scheduler", local_cluster.scheduler_address)
    assert local.returncode == remote.returncode == 0, remote.stderr[-2000:]
    assert remote.stdout == local.stdout and local.stdout.count("\n") == 588


def test_without_dask_scheduler_says_how_to_install_it(tmp_path: Path):
    (tmp_path / "distributed.py").write_text("raise ImportError('no dask here')\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    result = subprocess.run([sys.executable, str(REPO_ROOT / "main.py"), "geoparse", "--jsonl", "-", "--scheduler", "tcp://x:1"],
                            input='{"id": 1, "text": "Kyiv"}\n', capture_output=True, text=True, timeout=60, cwd=REPO_ROOT, env=env)
    assert result.returncode == 2
    assert result.stderr == "gazette: --scheduler needs Dask, which is not installed; run: pip install '.[cluster]'\n"
