#!/usr/bin/env python3
"""End-to-end migrations through the cluster emulator and a real docker-registry, under load.

Not a test: starts docker-registry, cluster-emulator (NODES source nodes and NODES target nodes,
one pod per job) and `podhop serve`, queues JOBS migrations at once, and while they run samples
GET /v1/migrations/{id} latency (one request at a time, a new connection each) and podhop's
resident memory. Prints wall time, per-stage durations, the GET latency percentiles and the
memory trend; with --json, one JSON object instead.

  bench/migrate-load.py --jobs 1000 --workers 16 --nodes 4 [--bin .build/release]
"""
import argparse
import http.client
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

STAGES = ["preflight", "checkpoint", "build", "push", "restore", "finalize"]
TOKEN = "bench-admin-token-0123456789"
EMULATOR_TOKEN = "bench-emulator-admin-0123456789"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(port, path, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", path)
            c.getresponse().read()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"nothing answered on port {port}")


def request(port, method, path, body=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Authorization": f"Bearer {TOKEN}"}
    if body is not None:
        headers["Content-Type"] = "application/json"
    c.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, json.loads(data) if data else None


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] if ordered else float("nan")


def slope(points):
    """Least-squares slope of (x, y) points."""
    if len(points) < 2:
        return 0.0
    mx = statistics.fmean(x for x, _ in points)
    my = statistics.fmean(y for _, y in points)
    den = sum((x - mx) ** 2 for x, _ in points)
    return sum((x - mx) * (y - my) for x, y in points) / den if den else 0.0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, default=100)
    parser.add_argument("--workers", type=int, default=16)
    parser.add_argument("--nodes", type=int, default=4, help="source nodes, and as many target nodes")
    parser.add_argument("--node-limit", type=int, default=0)
    parser.add_argument("--memory-bytes", type=int, default=256 << 10, help="memory image size per pod")
    parser.add_argument("--bin", default=".build/release")
    parser.add_argument("--timeout", type=float, default=1800)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--line", action="store_true", help="one summary line (for bench/run's table)")
    args = parser.parse_args()
    # SIGTERM (a test's timeout) unwinds through `finally`, which stops what was started.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))

    work = tempfile.mkdtemp(prefix="podhop-load-")
    processes = []

    def cleanup():
        for p in processes:
            if p.poll() is None:
                p.kill()
                p.wait()
        shutil.rmtree(work, ignore_errors=True)

    try:
        registry_port = free_port()
        with open(f"{work}/registry.yml", "w") as f:
            f.write(
                f"version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: {work}/registry\n"
                f"http:\n  addr: 127.0.0.1:{registry_port}\n  secret: bench\n")
        processes.append(subprocess.Popen(
            ["docker-registry", "serve", f"{work}/registry.yml"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        wait_http(registry_port, "/v2/")
        registry = f"127.0.0.1:{registry_port}"

        checkpoints = f"{work}/checkpoints"
        os.makedirs(checkpoints)
        node = lambda name: {
            "name": name, "os": "linux", "architecture": "amd64", "runtime": "cri-o://1.31.3",
            "kubeletVersion": "v1.31.3", "images": ["docker.io/library/busybox:latest"], "checkpointGate": True,
            "checkpointDirectory": checkpoints, "maxPods": 100000}
        sources = [f"src-{i}" for i in range(args.nodes)]
        targets = [f"dst-{i}" for i in range(args.nodes)]
        pods = [{
            "namespace": "default", "name": f"app-{i}", "node": sources[i % args.nodes],
            "containers": [{"name": "app", "image": "docker.io/library/busybox:latest"}],
            "memoryBytes": args.memory_bytes} for i in range(args.jobs)]
        scenario = {
            "stateDirectory": f"{work}/emulator", "adminToken": EMULATOR_TOKEN,
            "tokens": [{"name": "podhop", "token": "bench-cluster-token-0123456789",
                        "user": "system:serviceaccount:podhop:podhop"}],
            "plainHTTPRegistries": [registry], "nodes": [node(n) for n in sources + targets], "pods": pods}
        with open(f"{work}/scenario.json", "w") as f:
            json.dump(scenario, f)
        emulator = subprocess.Popen(
            [f"{args.bin}/cluster-emulator", "--scenario", f"{work}/scenario.json", "--listen", "127.0.0.1:0",
             "--write-kubeconfig", f"{work}/kubeconfig", "--parent-pid", str(os.getpid())],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        processes.append(emulator)
        json.loads(emulator.stdout.readline())

        with open(f"{work}/tokens", "w") as f:
            f.write(f"bench admin {TOKEN}\n")
        port = free_port()
        podhop = subprocess.Popen(
            [f"{args.bin}/podhop", "serve", "--listen", f"127.0.0.1:{port}", "--tokens-file", f"{work}/tokens",
             "--database", f"{work}/podhop.db", "--rate-limit", "0", "--log-level", "error",
             "--workers", str(args.workers), "--node-limit", str(args.node_limit),
             "--kubeconfig", f"{work}/kubeconfig", "--checkpoint-dir", checkpoints,
             "--registry", f"{registry}/podhop", "--insecure-registry", registry,
             "--retry-base-seconds", "0.2", "--retry-max-seconds", "2", "--restore-timeout-seconds", "120"],
            stderr=open(f"{work}/podhop.log", "w"))
        processes.append(podhop)
        wait_http(port, "/healthz")
        rss_idle = rss_kib(podhop.pid)

        started = time.time()
        ids = []
        for i in range(args.jobs):
            status, job = request(port, "POST", "/v1/migrations", {
                "source": {"namespace": "default", "pod": f"app-{i}"}, "targetNode": targets[i % args.nodes]})
            if status != 202:
                raise SystemExit(f"POST answered {status}: {job}")
            ids.append(job["id"])
        queued = time.time()

        latencies, memory, done = [], [], threading.Event()

        def sample_get():
            i = 0
            while not done.is_set():
                t = time.perf_counter()
                request(port, "GET", f"/v1/migrations/{ids[i % len(ids)]}")
                latencies.append(time.perf_counter() - t)
                i += 1
                time.sleep(0.01)

        def sample_rss():
            while not done.is_set():
                memory.append((time.time() - started, rss_kib(podhop.pid)))
                time.sleep(0.25)

        threads = [threading.Thread(target=sample_get), threading.Thread(target=sample_rss)]
        for t in threads:
            t.start()
        unfinished = len(ids)
        while unfinished and time.time() - started < args.timeout:
            time.sleep(0.5)
            unfinished = 0
            for state in ("queued", "running"):
                _, page = request(port, "GET", f"/v1/migrations?state={state}&limit=500")
                unfinished += len(page["items"])
        finished = time.time()
        done.set()
        for t in threads:
            t.join()

        outcomes, per_stage = {}, {s: [] for s in STAGES}
        for job_id in ids:
            _, job = request(port, "GET", f"/v1/migrations/{job_id}")
            outcomes[job["state"]] = outcomes.get(job["state"], 0) + 1
            for stage in job["stages"]:
                if "durationSeconds" in stage:
                    per_stage[stage["name"]].append(stage["durationSeconds"])
        half = [p for p in memory if p[0] >= memory[-1][0] / 2] if memory else []
        result = {
            "jobs": args.jobs, "workers": args.workers, "nodes": args.nodes * 2, "outcomes": outcomes,
            "unfinished": unfinished, "queueSeconds": queued - started, "wallSeconds": finished - started,
            "stageMeanSeconds": {s: statistics.fmean(v) if v else None for s, v in per_stage.items()},
            "getSamples": len(latencies),
            "getP50Ms": percentile(latencies, 50) * 1000, "getP99Ms": percentile(latencies, 99) * 1000,
            "getMaxMs": max(latencies) * 1000 if latencies else None,
            "rssIdleMiB": rss_idle / 1024, "rssMaxMiB": max(m for _, m in memory) / 1024 if memory else None,
            "rssLastMiB": memory[-1][1] / 1024 if memory else None,
            "rssSecondHalfSlopeMiBPerMin": slope(half) * 60 / 1024,
            "rssFirstHalfMaxMiB": max((m for t, m in memory if t < memory[-1][0] / 2), default=0) / 1024,
            "rssSecondHalfMaxMiB": max((m for _, m in half), default=0) / 1024,
        }
        if args.json:
            print(json.dumps(result))
        elif args.line:
            stages = " ".join(f"{s} {v:.2f}" for s, v in result["stageMeanSeconds"].items() if v is not None)
            print(f"{result['wallSeconds']:.1f} s, {outcomes}; mean s/stage: {stages}; GET p99 "
                  f"{result['getP99Ms']:.1f} ms while running; RSS max {result['rssMaxMiB']:.0f} MiB "
                  f"(first/second half {result['rssFirstHalfMaxMiB']:.0f}/{result['rssSecondHalfMaxMiB']:.0f})")
        else:
            print(f"{args.jobs} migrations, {args.workers} workers, {args.nodes * 2} nodes: {outcomes}, "
                  f"queued in {result['queueSeconds']:.1f} s, all finished after {result['wallSeconds']:.1f} s")
            print("mean stage seconds: " + ", ".join(
                f"{s} {v:.3f}" for s, v in result["stageMeanSeconds"].items() if v is not None))
            print(f"GET /v1/migrations/{{id}} while running: {len(latencies)} samples, p50 {result['getP50Ms']:.1f} ms, "
                  f"p99 {result['getP99Ms']:.1f} ms, max {result['getMaxMs']:.1f} ms")
            print(f"podhop RSS: idle {result['rssIdleMiB']:.1f} MiB, max {result['rssMaxMiB']:.1f} MiB, "
                  f"last {result['rssLastMiB']:.1f} MiB, max in the first/second half of the run "
                  f"{result['rssFirstHalfMaxMiB']:.1f}/{result['rssSecondHalfMaxMiB']:.1f} MiB, second-half trend "
                  f"{result['rssSecondHalfSlopeMiBPerMin']:+.2f} MiB/min")
        podhop.send_signal(signal.SIGTERM)
        podhop.wait(timeout=60)
        return 0 if unfinished == 0 and outcomes.get("succeeded") == args.jobs else 1
    finally:
        cleanup()


if __name__ == "__main__":
    sys.exit(main())
