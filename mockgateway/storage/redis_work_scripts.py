"""Lua scripts of the planned jobs and the work replicas share (``redis_jobs``, ``redis_work``): claiming due
jobs, noting ran or forgotten ones, and taking over or releasing what a replica held. Each runs atomically, so
no job is claimed twice and no lease is taken twice.

A message's pending jobs are one entry: a hash (its step number -> the encoded job) whose id waits in the due
set, scored by its earliest job, or in the running set of the one replica that claimed it. A claim hands out
every job of the entry that is due and moves the entry to the claimer's running set; once they ran, the entry
goes back to the due set at its next job's time, or is gone with its last job. So one message's steps never
run on two replicas at once, nor out of order. The scripts read a job's due time from its msgpack value.
"""

from __future__ import annotations

#: A message whose last job is gone leaves the parked set (the store's purge parks a message while it has
#: jobs) for the retention set.
_UNPARKED = """
local function unparked(parked, kept, id)
  local score = redis.call('ZSCORE', parked, id)
  if score then
    redis.call('ZREM', parked, id)
    redis.call('ZADD', kept, 'GT', score, id)
  end
end
local function due_of(value) return cmsgpack.unpack(value).due_at end
local function score(at) return string.format('%.17g', at) end
"""

#: Claim up to a batch of due entries, earliest first: their jobs due at or before now are handed out and the
#: entry moves to the claimer's running set, scored by the earliest of them (to go back to the due set at that
#: time if the claimer dies). KEYS: the due set, the claimer's running set. ARGV: now, the batch size, the entry
#: key prefix. Returns how many entries were looked at, the values handed out, and per claimed entry with jobs
#: left its message id and when the next of them falls due.
CLAIM_JOBS = (
    _UNPARKED
    + """
local now = tonumber(ARGV[1])
local found = redis.call('ZRANGE', KEYS[1], '-inf', ARGV[1], 'BYSCORE', 'LIMIT', 0, ARGV[2])
local values, later = {}, {}
for _, id in ipairs(found) do
  local fields = redis.call('HGETALL', ARGV[3] .. id)
  local first, next_due
  for i = 2, #fields, 2 do
    local at = due_of(fields[i])
    if at <= now then
      values[#values + 1] = fields[i]
      if not first or at < first then first = at end
    elseif not next_due or at < next_due then
      next_due = at
    end
  end
  if first then
    redis.call('ZREM', KEYS[1], id)
    redis.call('ZADD', KEYS[2], score(first), id)
    if next_due then
      later[#later + 1] = id
      later[#later + 1] = score(next_due)
    end
  elseif next_due then  -- saved again with later jobs only: waits for them
    redis.call('ZADD', KEYS[1], score(next_due), id)
  else  -- its jobs were forgotten
    redis.call('ZREM', KEYS[1], id)
  end
end
return {#found, values, later}
"""
)

#: Jobs that ran are forgotten from their entries; an entry whose claimed jobs all ran leaves the claimer's
#: running set for the due set at its next job's time, or, with no job left, its message goes back from the
#: parked set to the retention set. An entry no longer in the running set was given back meanwhile (its claimer
#: was taken for dead) and is another's now: only its ran jobs are forgotten.
#: KEYS: the due set, the claimer's running set, the parked messages, the retention set, then per entry its key.
#: ARGV: per entry its message id, then '' (jobs of its claim are still to run), '-' (none left) or its next
#: due time, then how many of its jobs ran, then their step numbers.
RAN_JOBS = (
    _UNPARKED
    + """
local at = 1
for i = 5, #KEYS do
  local id, release, count = ARGV[at], ARGV[at + 1], tonumber(ARGV[at + 2])
  redis.call('HDEL', KEYS[i], unpack(ARGV, at + 3, at + 2 + count))
  at = at + 3 + count
  if release ~= '' and redis.call('ZREM', KEYS[2], id) == 1 then
    if release == '-' then
      unparked(KEYS[3], KEYS[4], id)
    else
      redis.call('ZADD', KEYS[1], release, id)
    end
  end
end
return #KEYS - 4
"""
)

#: Jobs forgotten one by one (the journal's own use, outside the claims): an entry left with jobs waits for
#: its earliest if it was waiting; one left empty leaves the due set and unparks its message.
#: KEYS: the due set, the parked messages, the retention set, then per job its entry's key.
#: ARGV: per job its step number and its message id.
FORGET_JOBS = (
    _UNPARKED
    + """
for i = 4, #KEYS do
  local step, id = ARGV[2 * i - 7], ARGV[2 * i - 6]
  if redis.call('HDEL', KEYS[i], step) == 1 then
    local left = redis.call('HVALS', KEYS[i])
    if #left == 0 then
      redis.call('ZREM', KEYS[1], id)
      unparked(KEYS[2], KEYS[3], id)
    else
      local first = due_of(left[1])
      for j = 2, #left do first = math.min(first, due_of(left[j])) end
      redis.call('ZADD', KEYS[1], 'XX', score(first), id)
    end
  end
end
return #KEYS - 3
"""
)

#: The entries a replica claimed go back to the due set, at the time their earliest claimed job fell due.
_GIVE_BACK = """
local function give_back(running, due)
  local claimed = redis.call('ZRANGE', running, 0, -1, 'WITHSCORES')
  for i = 1, #claimed, 2 do redis.call('ZADD', due, claimed[i + 1], claimed[i]) end
  redis.call('DEL', running)
end
"""

#: Take over what every replica whose heartbeat is gone held, and the released deliveries: their claimed jobs
#: go back to be claimed, their pending deliveries become the taker's. KEYS: the replicas, the due set, the
#: taker's held deliveries, the released deliveries. ARGV: the taker, then the key prefixes of heartbeats,
#: running sets and held deliveries. Returns the delivery ids taken.
TAKE_OVER = (
    _GIVE_BACK
    + """
local taken = {}
local function take(set)
  for _, id in ipairs(redis.call('SMEMBERS', set)) do
    redis.call('SADD', KEYS[3], id)
    taken[#taken + 1] = id
  end
  redis.call('DEL', set)
end
for _, replica in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if replica ~= ARGV[1] and redis.call('EXISTS', ARGV[2] .. replica) == 0 then
    give_back(ARGV[3] .. replica, KEYS[2])
    take(ARGV[4] .. replica)
    redis.call('SREM', KEYS[1], replica)
  end
end
take(KEYS[4])
return taken
"""
)

#: A replica stopping gives its claimed jobs back and releases its pending deliveries to whoever starts next.
#: KEYS: the replicas, the due set, its held deliveries, the released deliveries, its running set, its
#: heartbeat. ARGV: the replica.
RELEASE = (
    _GIVE_BACK
    + """
give_back(KEYS[5], KEYS[2])
for _, id in ipairs(redis.call('SMEMBERS', KEYS[3])) do redis.call('SADD', KEYS[4], id) end
redis.call('DEL', KEYS[3], KEYS[6])
redis.call('SREM', KEYS[1], ARGV[1])
return 1
"""
)
