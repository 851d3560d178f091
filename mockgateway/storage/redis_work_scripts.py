"""Lua scripts of the planned jobs and the work replicas share (``redis_jobs``, ``redis_work``): claiming due
jobs, noting ran or forgotten ones, and taking over or releasing what a replica held. Each runs atomically, so
no job is claimed twice and no lease is taken twice.

A message's planned jobs are one entry: a hash of its jobs, each under "<due time> <step>", whose id waits in
the due set or in the running set of the one replica that claimed it, scored by its next job's due time: the
entry's jobs due before its score have run. A claim hands out the entry's jobs due from its score up to now
and moves it to the claimer's running set; once they ran, the entry goes back to the due set at its next job's
time, or is deleted after its last. So one message's steps never run on two replicas at once, nor out of
order, and a step costs Redis five commands, none of them per job.
"""

from __future__ import annotations

#: A job's due time, from its field; a message whose last job is gone leaves the parked set (the store's purge
#: parks a message while it has jobs) for the retention set.
_ENTRIES = """
local function due_of(field) return tonumber(string.match(field, '^%S+')) end
local function unparked(parked, kept, id)
  local score = redis.call('ZSCORE', parked, id)
  if score then
    redis.call('ZREM', parked, id)
    redis.call('ZADD', kept, 'GT', score, id)
  end
end
"""

#: Claim up to a batch of due entries, earliest first: each hands out its jobs due from its score up to now
#: and moves, with its score, to the claimer's running set; one with no job left is deleted, its message
#: unparked. KEYS: the due set, the claimer's running set, the parked messages, the retention set. ARGV: now,
#: the batch size, the entry key prefix. Returns how many entries were looked at, the values handed out, and
#: per claimed entry with jobs left its message id and when the next of them falls due.
CLAIM_JOBS = (
    _ENTRIES
    + """
local now = tonumber(ARGV[1])
local found = redis.call('ZRANGE', KEYS[1], '-inf', ARGV[1], 'BYSCORE', 'LIMIT', 0, ARGV[2], 'WITHSCORES')
local values, later = {}, {}
for i = 1, #found, 2 do
  local id, from = found[i], tonumber(found[i + 1])
  local fields = redis.call('HGETALL', ARGV[3] .. id)
  local handed, next_due = #values, nil
  for j = 1, #fields, 2 do
    local at = due_of(fields[j])
    if at > now then
      if not next_due or at < next_due then next_due = at end
    elseif at >= from then
      values[#values + 1] = fields[j + 1]
    end
  end
  redis.call('ZREM', KEYS[1], id)
  if #values > handed then
    redis.call('ZADD', KEYS[2], found[i + 1], id)
    if next_due then
      later[#later + 1] = id
      later[#later + 1] = string.format('%.17g', next_due)
    end
  elseif next_due then  -- its due jobs were forgotten: it waits for the next
    redis.call('ZADD', KEYS[1], string.format('%.17g', next_due), id)
  else  -- nothing left to run (its last job, a reply, forgot itself before a takeover gave the entry back)
    redis.call('DEL', ARGV[3] .. id)
    unparked(KEYS[3], KEYS[4], id)
  end
end
return {#found / 2, values, later}
"""
)

#: Entries whose claimed jobs all ran leave the claimer's running set for the due set at their next job's time,
#: or, with no job left, are deleted and their message goes back from the parked set to the retention set. An
#: entry no longer in the running set was given back meanwhile (its claimer was taken for dead) and is
#: another's now: it is left as it is. KEYS: the due set, the claimer's running set, the parked messages, the
#: retention set, then per entry its key. ARGV: per entry its message id, then '-' (no job left) or its next
#: due time.
RAN_JOBS = (
    _ENTRIES
    + """
for i = 5, #KEYS do
  local id, next_due = ARGV[2 * i - 9], ARGV[2 * i - 8]
  if redis.call('ZREM', KEYS[2], id) == 1 then
    if next_due == '-' then
      redis.call('DEL', KEYS[i])
      unparked(KEYS[3], KEYS[4], id)
    else
      redis.call('ZADD', KEYS[1], next_due, id)
    end
  end
end
return #KEYS - 4
"""
)

#: Jobs forgotten one by one (the journal's own use, outside the claims): a waiting entry waits for its next
#: job left, or is deleted with its message unparked when none is left. KEYS: the due set, the parked
#: messages, the retention set, then per job its entry's key. ARGV: per job its field and its message id.
FORGET_JOBS = (
    _ENTRIES
    + """
for i = 4, #KEYS do
  local field, id = ARGV[2 * i - 7], ARGV[2 * i - 6]
  if redis.call('HDEL', KEYS[i], field) == 1 then
    local from = redis.call('ZSCORE', KEYS[1], id)
    local next_due
    if from then
      for _, left in ipairs(redis.call('HKEYS', KEYS[i])) do
        local at = due_of(left)
        if at >= tonumber(from) and (not next_due or at < next_due) then next_due = at end
      end
    end
    if next_due then
      redis.call('ZADD', KEYS[1], string.format('%.17g', next_due), id)
    elseif from or redis.call('EXISTS', KEYS[i]) == 0 then
      redis.call('ZREM', KEYS[1], id)
      redis.call('DEL', KEYS[i])
      unparked(KEYS[2], KEYS[3], id)
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
