"""What building an SDK client costs on a warm invocation: the figure behind LIL101's judgement.

    python benchmarks/client_cost.py [--runs 30] [--python PY]

LIL101 asks to build a client once at module scope instead of on every invocation. What that saves
per warm invocation is the construction itself (plus the connection the client would have kept
open, which depends on the network and is not measured here). This runs, in a fresh interpreter
with ``boto3`` installed (``pip install boto3``; fake credentials and region, no network call), each
construction once untimed (botocore's loader caches the service model, as it would after the first
invocation) and then ``--runs`` times, and prints min / median / max in milliseconds at the
machine's full CPU, and the median scaled to Lambda's smaller memory sizes, where a function gets
``memory / 1769`` of a vCPU. The judgement uses it as: with a full vCPU (1,769 MB or more) a client
costs a few milliseconds, not worth a change; at 128 MB the same construction costs tens.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

FULL_VCPU_MB = 1769
MEMORY_SIZES = (128, 512, 1024, FULL_VCPU_MB)

CONSTRUCTIONS = {
    "boto3.client('s3')": "boto3.client('s3')",
    "boto3.client('dynamodb')": "boto3.client('dynamodb')",
    "boto3.client('lambda')": "boto3.client('lambda')",
    "boto3.resource('dynamodb').Table('t')": "boto3.resource('dynamodb').Table('t')",
    "boto3.Session()": "boto3.Session()",
    "boto3.Session().client('s3')": "boto3.Session().client('s3')",
}

# Each construction above is written into the program as the body of `build`.
_PROGRAM = """
import json, sys, time
import boto3
runs = int(sys.argv[1])
def build():
    return {expression}
build()
times = []
for _ in range(runs):
    start = time.perf_counter()
    build()
    times.append((time.perf_counter() - start) * 1000)
print(json.dumps(sorted(times)))
"""


def measure(python: str, expression: str, runs: int) -> list[float]:
    environment = dict(
        os.environ, AWS_DEFAULT_REGION="us-east-1", AWS_ACCESS_KEY_ID="benchmark", AWS_SECRET_ACCESS_KEY="benchmark",
    )
    completed = subprocess.run(
        [python, "-c", _PROGRAM.replace("{expression}", expression), str(runs)],
        capture_output=True, text=True, env=environment, check=True,
    )
    times: list[float] = json.loads(completed.stdout)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--python", default=sys.executable, help="an interpreter with boto3 installed")
    args = parser.parse_args()
    header = f"{'construction':40} {'min':>6} {'median':>7} {'max':>7}  " + "  ".join(
        f"{f'@{size} MB':>9}" for size in MEMORY_SIZES
    )
    print(header)
    for name, expression in CONSTRUCTIONS.items():
        times = measure(args.python, expression, args.runs)
        median = times[len(times) // 2]
        scaled = "  ".join(f"{median * max(1.0, FULL_VCPU_MB / size):9.1f}" for size in MEMORY_SIZES)
        print(f"{name:40} {times[0]:6.1f} {median:7.1f} {times[-1]:7.1f}  {scaled}")
    print("(milliseconds; the scaled columns assume the CPU share Lambda gives at each memory size)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
