#!/usr/bin/env python3
"""What one lifecycle step costs Redis's own CPU, written as the store writes it and in leaner layouts, and what a
round trip costs it: the measured basis of "What 1/8 takes" in ``bench/README.md``.

    .venv/bin/python bench/redis_step_cost.py [--steps 20000] [--rounds 3]

A private redis-server (Debian's package, no persistence) pinned to cpu 1, this client to cpu 0. Each layout
writes ``--steps`` steps of distinct messages (values of the sizes a Live Link step writes: a 460-byte message,
a 270-byte notification, a 550-byte delivery) in pipelines of ``--depth`` steps, and reports redis-server's CPU
per step (user + system, from /proc) and the command time ``INFO commandstats`` counted. Layouts:

- ``script``: ``RECORD_STEP`` as the store runs it (one script call, 19 commands);
- ``plain``: the same writes as plain pipelined commands, without the compare-and-set;
- ``lean``: the message, its notification and its delivery as fields of the message's one hash, and two
  series (notifications and deliveries by account) and the lease set: four plain commands;
- ``lean-script``: those four behind the compare-and-set, in a script;
- ``variadic``: today's writes for all the steps of a pipeline in one script call, one command per shared key
  with every step's members (``ZADD key s1 m1 s2 m2 ...``), the per-message ones as today.

``--depth 1`` shows the round trip's own cost: each step its own read and write of the socket.
"""

from __future__ import annotations

import argparse
import os
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
from mockgateway.storage.redis_scripts import RECORD_STEP  # noqa: E402

MESSAGE, NOTIFICATION, DELIVERY = os.urandom(460), os.urandom(270), os.urandom(550)

LEAN_STEP = """
if redis.call('HGET', KEYS[1], 'r') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'v', ARGV[2], 'r', ARGV[3], 'n:' .. ARGV[4], ARGV[5], 'd:' .. ARGV[6], ARGV[7])
redis.call('ZADD', KEYS[2], ARGV[8], ARGV[9] .. ' ' .. ARGV[4])
redis.call('ZADD', KEYS[3], ARGV[8], ARGV[9] .. ' ' .. ARGV[6])
redis.call('SADD', KEYS[4], ARGV[6])
return 1
"""

Pipe = redis.client.Pipeline
Layout = Callable[[Pipe, range], None]  #: writes the steps numbered in the range

#: The shared keys of ``VARIADIC_STEPS``, then per step its message's hash and its order's two series.
SHARED = ["d:msgs:kept", "m:seq", "d:ntf:v", "d:ntf:ids", "d:ntf:kept", "d:dlv", "d:dlv:order", "d:dlv:own:r",
          "d:ntf:all", "d:ntf:a:demo", "d:ntf:s:demo\0SENT", "d:dlv:a:demo"]  # fmt: skip
VARIADIC_STEPS = """
local n, answers = tonumber(ARGV[1]), {}
local seq = redis.call('INCRBY', KEYS[2], 2 * n) - 2 * n
local kept, values, ids, nkept, dlv, dorder, own, all, acct, status, dacct = {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}
local function add(list, a, b) list[#list + 1] = a; list[#list + 1] = b end
for s = 1, n do
  local a, k = 1 + (s - 1) * 9, 12 + (s - 1) * 3
  answers[s] = 0
  if redis.call('HGET', KEYS[k + 1], 'r') == ARGV[a + 1] then
    answers[s] = 1
    redis.call('HSET', KEYS[k + 1], 'v', ARGV[a + 2], 'r', ARGV[a + 3])
    local at, t = seq + 2 * s - 1, ARGV[a + 4]
    local name = string.format('%016d', at)
    add(kept, t, ARGV[a + 5]); add(values, name, ARGV[a + 7]); add(ids, ARGV[a + 6], name); add(nkept, t, ARGV[a + 6])
    add(all, t, name); add(acct, t, name); add(status, t, name)
    redis.call('ZADD', KEYS[k + 2], t, name)
    add(dlv, ARGV[a + 8], ARGV[a + 9]); add(dorder, at + 1, ARGV[a + 8]); add(dacct, at + 1, ARGV[a + 8])
    redis.call('ZADD', KEYS[k + 3], 'NX', at + 1, ARGV[a + 8])
    own[#own + 1] = ARGV[a + 8]
  end
end
if #own > 0 then
  redis.call('ZADD', KEYS[1], 'GT', unpack(kept))
  redis.call('HSET', KEYS[3], unpack(values))
  redis.call('HSET', KEYS[4], unpack(ids))
  redis.call('ZADD', KEYS[5], 'GT', unpack(nkept))
  redis.call('HSET', KEYS[6], unpack(dlv))
  redis.call('ZADD', KEYS[7], 'NX', unpack(dorder))
  redis.call('SADD', KEYS[8], unpack(own))
  redis.call('ZADD', KEYS[9], unpack(all))
  redis.call('ZADD', KEYS[10], unpack(acct))
  redis.call('ZADD', KEYS[11], unpack(status))
  redis.call('ZADD', KEYS[12], 'NX', unpack(dacct))
end
return answers
"""


def names(i: int) -> tuple[str, str, str, float]:
    """A step's message id, notification member, delivery id and time."""
    return f"{1_000_000_000 + i}", f"{i:016d}", f"D{i:015d}", 1.7e9 + i / 1000


def each_step(write_one: Callable[[Pipe, int], None]) -> Layout:
    def write(pipe: Pipe, steps: range) -> None:
        for i in steps:
            write_one(pipe, i)

    return write


def script_layout(sha: str) -> Layout:
    @each_step
    def write(pipe: Pipe, i: int) -> None:
        message, member, delivery, at = names(i)
        keys = [f"d:msg:{message}", "d:msgs:kept", "m:seq", "d:ntf:v", "d:ntf:ids", "d:ntf:kept", "d:dlv",
                "d:dlv:order", "d:dlv:own:r", "d:ntf:all", "d:ntf:a:demo", "d:ntf:s:demo\0SENT",
                f"d:ntf:o:{message}", "d:dlv:a:demo", f"d:dlv:m:{message}"]  # fmt: skip
        args = ["0", MESSAGE, "1", at, message, f"N{member}", NOTIFICATION, at, 4, delivery, DELIVERY]
        pipe.execute_command("HSET", keys[0], "r", "0")
        pipe.execute_command("EVALSHA", sha, len(keys), *keys, *args)

    return write


@each_step
def plain_layout(pipe: Pipe, i: int) -> None:
    message, member, delivery, at = names(i)
    pipe.execute_command("HSET", f"d:msg:{message}", "r", "0")
    pipe.execute_command("HSET", f"d:msg:{message}", "v", MESSAGE, "r", 1)
    pipe.execute_command("ZADD", "d:msgs:kept", "GT", at, message)
    pipe.execute_command("INCRBY", "m:seq", 2)
    pipe.execute_command("HSET", "d:ntf:v", member, NOTIFICATION)
    pipe.execute_command("HSET", "d:ntf:ids", f"N{member}", member)
    pipe.execute_command("ZADD", "d:ntf:kept", "GT", at, f"N{member}")
    for key in ("d:ntf:all", "d:ntf:a:demo", "d:ntf:s:demo\0SENT", f"d:ntf:o:{message}"):
        pipe.execute_command("ZADD", key, at, member)
    pipe.execute_command("HSET", "d:dlv", delivery, DELIVERY)
    for key in ("d:dlv:order", "d:dlv:a:demo", f"d:dlv:m:{message}"):
        pipe.execute_command("ZADD", key, "NX", i, delivery)
    pipe.execute_command("SADD", "d:dlv:own:r", delivery)


@each_step
def lean_layout(pipe: Pipe, i: int) -> None:
    message, member, delivery, at = names(i)
    pipe.execute_command("HSET", f"d:msg:{message}", "r", "0")
    pipe.execute_command("HSET", f"d:msg:{message}", "v", MESSAGE, "r", 1, f"n:{member}", NOTIFICATION,
                         f"d:{delivery}", DELIVERY)  # fmt: skip
    pipe.execute_command("ZADD", "d:ntf:a:demo", at, f"{message} {member}")
    pipe.execute_command("ZADD", "d:dlv:a:demo", at, f"{message} {delivery}")
    pipe.execute_command("SADD", "d:dlv:own:r", delivery)


def lean_script_layout(sha: str) -> Layout:
    @each_step
    def write(pipe: Pipe, i: int) -> None:
        message, member, delivery, at = names(i)
        pipe.execute_command("HSET", f"d:msg:{message}", "r", "0")
        keys = [f"d:msg:{message}", "d:ntf:a:demo", "d:dlv:a:demo", "d:dlv:own:r"]
        args = ["0", MESSAGE, "1", member, NOTIFICATION, delivery, DELIVERY, at, message]
        pipe.execute_command("EVALSHA", sha, len(keys), *keys, *args)

    return write


def variadic_layout(sha: str) -> Layout:
    def write(pipe: Pipe, steps: range) -> None:
        keys, args = list(SHARED), [len(steps)]
        for i in steps:
            message, member, delivery, at = names(i)
            pipe.execute_command("HSET", f"d:msg:{message}", "r", "0")
            keys += [f"d:msg:{message}", f"d:ntf:o:{message}", f"d:dlv:m:{message}"]
            args += ["0", MESSAGE, "1", at, message, f"N{member}", NOTIFICATION, delivery, DELIVERY]
        pipe.execute_command("EVALSHA", sha, len(keys), *keys, *args)

    return write


def measure(client: redis.Redis, server: int, layout: Layout, steps: int, depth: int) -> tuple[float, float]:
    """redis-server's CPU and its command time, in µs per step."""
    client.flushall()
    client.config_resetstat()
    before = process_ticks(server)
    for first in range(0, steps, depth):
        pipe = client.pipeline(transaction=False)
        layout(pipe, range(first, min(first + depth, steps)))
        pipe.execute()
    cpu = (process_ticks(server) - before) / CLK_TCK / steps * 1e6
    stats = client.info("commandstats")
    scripts = stats.get("cmdstat_evalsha", {}).get("usec", 0)
    plain = sum(v["usec"] for k, v in stats.items() if k != "cmdstat_evalsha")
    # A script's usec counts the commands it ran, which are counted again on their own: not twice here.
    return cpu, (scripts if scripts else plain) / steps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--depths", default="1,32", help="steps per pipeline, comma-separated")
    args = parser.parse_args()
    with pinned_redis("redis_step_cost") as redis_server:
        client = redis_server.client
        layouts: dict[str, Layout] = {
            "script": script_layout(client.script_load(RECORD_STEP)),
            "plain": plain_layout,
            "lean": lean_layout,
            "lean-script": lean_script_layout(client.script_load(LEAN_STEP)),
            "variadic": variadic_layout(client.script_load(VARIADIC_STEPS)),
        }
        print(f"# redis_step_cost {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}: {args.steps} steps, "
              f"{args.rounds} rounds, medians")  # fmt: skip
        for depth in (int(d) for d in args.depths.split(",")):
            found: dict[str, list[tuple[float, float]]] = {name: [] for name in layouts}
            for _ in range(args.rounds):
                for name, layout in layouts.items():
                    found[name].append(measure(client, redis_server.pid, layout, args.steps, depth))
            for name, runs in found.items():
                cpu = statistics.median(run[0] for run in runs)
                commands = statistics.median(run[1] for run in runs)
                print(f"depth {depth:3}  {name:12} redis-server {cpu:6.1f} µs/step  "
                      f"command time {commands:5.1f} µs/step")  # fmt: skip


if __name__ == "__main__":
    main()
