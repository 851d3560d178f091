#!/usr/bin/env python3
"""What a whole lifecycle send costs Redis's own CPU in the leanest layout that still lets any replica answer any
request: the measured floor behind "Is 1/8 reachable?" in ``bench/README.md``.

    .venv/bin/python bench/redis_send_floor.py [--sends 20000] [--rounds 3] [--depth 16]

A send is what ``redis_scale.py --lifecycle`` makes: one message, three steps, three callbacks. The layouts
write, for each send:

- ``owned``: the steps run by the replica that accepted the message, no claim per step. Accept: the message's
  hash, its place in its account's listing, its id in the accepting replica's held set (3 commands). Each step:
  the message, its notification and its delivery in one ``HSET`` of the message's hash, the account's
  notification and delivery series (3). Each callback's outcome: one ``HSET`` (1). The end: the held entry goes
  (1). 16 plain commands, no compare-and-set and no retention index.
- ``owned-cas``: the same with each step behind the compare-and-set on the message's revision, in a script (the
  guard against a replica that was taken over but wakes up and runs the step again).
- ``claimed``: ``owned-cas`` with today's job entries instead of the held set: saved at the accept (``HSET``,
  ``ZADD``), each step claimed (``HGETALL``, ``ZREM``, ``ZADD``) and put back (``ZREM``, ``ZADD``), the last
  one deleted (``ZREM``, ``DEL``).

Values have the sizes a Live Link send writes (a 460-byte message, a 270-byte notification, a 550-byte
delivery). The sends of a pipeline go through each phase together (accepts, then first steps, ...), ``--depth``
sends at a time, as a gateway's batches carry many sends' commands. A private redis-server (Debian's package,
no persistence) runs on cpu 1, this client on cpu 0. Reported per send: redis-server's CPU (user + system, from
/proc), the command time ``INFO commandstats`` counted, commands run, and this client's own CPU (redis-py's
synchronous pipeline, for scale only: the gateway's asyncio client is measured by ``redis_scale.py``).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import redis

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.pinned_redis import pinned_redis  # noqa: E402
from bench.procstat import CLK_TCK, process_ticks  # noqa: E402

MESSAGE, NOTIFICATION, DELIVERY = os.urandom(460), os.urandom(270), os.urandom(550)
STEPS = 3

CAS_STEP = """
if redis.call('HGET', KEYS[1], 'r') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'v', ARGV[2], 'r', ARGV[3], 'n:' .. ARGV[4], ARGV[5], 'd:' .. ARGV[4], ARGV[6])
redis.call('ZADD', KEYS[2], ARGV[7], ARGV[8] .. ' ' .. ARGV[4])
redis.call('ZADD', KEYS[3], ARGV[7], ARGV[8] .. ' ' .. ARGV[4])
return 1
"""

Pipe = redis.client.Pipeline
#: Writes one phase (0: accept, 1..3: steps, 4..6: outcomes, 7: end) of the sends numbered in the range.
Phase = Callable[[Pipe, int, range], None]


def ids(i: int) -> tuple[str, float]:
    """A send's message id and its time."""
    return f"{1_000_000_000 + i}", 1.7e9 + i / 1000


def owned(step: Callable[[Pipe, str, int, float], None]) -> Phase:
    def phase(pipe: Pipe, number: int, sends: range) -> None:
        for i in sends:
            message, at = ids(i)
            key = f"d:msg:{message}"
            if number == 0:
                pipe.execute_command("HSET", key, "v", MESSAGE, "r", 1)
                pipe.execute_command("ZADD", "d:msgs:a:demo", i, message)
                pipe.execute_command("ZADD", "w:held:r", at, message)
            elif number <= STEPS:
                step(pipe, message, number, at)
            elif number <= 2 * STEPS:
                pipe.execute_command("HSET", key, f"d:{number - STEPS}", DELIVERY)
            else:
                pipe.execute_command("ZREM", "w:held:r", message)

    return phase


def plain_step(pipe: Pipe, message: str, step: int, at: float) -> None:
    pipe.execute_command("HSET", f"d:msg:{message}", "v", MESSAGE, "r", step + 1, f"n:{step}", NOTIFICATION,
                         f"d:{step}", DELIVERY)  # fmt: skip
    pipe.execute_command("ZADD", "d:ntf:a:demo", at + step, f"{message} {step}")
    pipe.execute_command("ZADD", "d:dlv:a:demo", at + step, f"{message} {step}")


def cas_step(sha: str) -> Callable[[Pipe, str, int, float], None]:
    def step_(pipe: Pipe, message: str, step: int, at: float) -> None:
        keys = [f"d:msg:{message}", "d:ntf:a:demo", "d:dlv:a:demo"]
        args = [step, MESSAGE, step + 1, step, NOTIFICATION, DELIVERY, at + step, message]
        pipe.execute_command("EVALSHA", sha, len(keys), *keys, *args)

    return step_


def claimed(sha: str) -> Phase:
    """``owned-cas`` with today's job entries: one hash per message scored in the due set by its next job."""
    step = cas_step(sha)

    def phase(pipe: Pipe, number: int, sends: range) -> None:
        for i in sends:
            message, at = ids(i)
            key, jobs = f"d:msg:{message}", f"d:jobs:of:{message}"
            if number == 0:
                pipe.execute_command("HSET", key, "v", MESSAGE, "r", 1)
                pipe.execute_command("ZADD", "d:msgs:a:demo", i, message)
                pipe.execute_command("HSET", jobs, *(x for s in (1, 2, 3) for x in (f"{at + s} {s}", b"j" * 60)))
                pipe.execute_command("ZADD", "d:jobs:due", at + 1, message)
            elif number <= STEPS:
                pipe.execute_command("HGETALL", jobs)
                pipe.execute_command("ZREM", "d:jobs:due", message)
                pipe.execute_command("ZADD", "d:jobs:run:r", at + number, message)
                step(pipe, message, number, at)
                pipe.execute_command("ZREM", "d:jobs:run:r", message)
                if number < STEPS:
                    pipe.execute_command("ZADD", "d:jobs:due", at + number + 1, message)
                else:
                    pipe.execute_command("DEL", jobs)
            elif number <= 2 * STEPS:
                pipe.execute_command("HSET", key, f"d:{number - STEPS}", DELIVERY)

    return phase


def measure(client: redis.Redis, server: int, phase: Phase, sends: int, depth: int) -> dict[str, float]:
    client.flushall()
    client.config_resetstat()
    before, mine = process_ticks(server), resource.getrusage(resource.RUSAGE_SELF)
    for first in range(0, sends, depth):
        batch = range(first, min(first + depth, sends))
        for number in range(2 * STEPS + 2):
            pipe = client.pipeline(transaction=False)
            phase(pipe, number, batch)
            pipe.execute()
    after = resource.getrusage(resource.RUSAGE_SELF)
    server_cpu = (process_ticks(server) - before) / CLK_TCK / sends * 1e6
    client_cpu = (after.ru_utime + after.ru_stime - mine.ru_utime - mine.ru_stime) / sends * 1e6
    stats = client.info("commandstats")
    # Commands run by a script are counted on their own too: these are every command Redis ran, scripts'
    # included, and their time without the script calls' own overhead (which the server's CPU has).
    ran = {k: v for k, v in stats.items() if k not in ("cmdstat_evalsha", "cmdstat_config", "cmdstat_info")}
    return {
        "server": server_cpu,
        "commands": sum(v["calls"] for v in ran.values()) / sends,
        "command_time": sum(v["usec"] for v in ran.values()) / sends,
        "client": client_cpu,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sends", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--depth", type=int, default=16, help="sends per pipeline")
    args = parser.parse_args()
    os.sched_setaffinity(0, {0})
    with pinned_redis("redis_send_floor") as redis_server:
        client = redis_server.client
        sha = client.script_load(CAS_STEP)
        layouts = {"owned": owned(plain_step), "owned-cas": owned(cas_step(sha)), "claimed": claimed(sha)}
        found: dict[str, list[dict[str, float]]] = {name: [] for name in layouts}
        for _ in range(args.rounds):
            for name, phase in layouts.items():
                found[name].append(measure(client, redis_server.pid, phase, args.sends, args.depth))
        print(f"# redis_send_floor {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}: {args.sends} sends, "
              f"depth {args.depth}, {args.rounds} rounds, medians [min..max]")  # fmt: skip
        for name, runs in found.items():
            line = [f"{name:10}"]
            for field, label in (("server", "redis-server"), ("command_time", "command time"),
                                 ("commands", "commands"), ("client", "client")):  # fmt: skip
                values = [run[field] for run in runs]
                line.append(f"{label} {statistics.median(values):6.1f} [{min(values):.1f}..{max(values):.1f}]")
            print("  ".join(line))


if __name__ == "__main__":
    main()
