"""Lua scripts of the work replicas share (``redis_work``): claiming due jobs, and taking over or releasing
what a replica held. Each runs atomically, so no job is claimed twice and no lease is taken twice.

A job's key is ``<message id>:<step>``; a message with a claimed job is "busy" for the replica that claimed it:
its other jobs wait until that one ran, or are claimed by the same replica, which runs its claims in due order;
so one message's steps never run on two replicas at once (out of order).
"""

from __future__ import annotations

#: The message id of a job key; who claimed a message's jobs and how many (the busy hash holds
#: "<replica> <count>" per busy message: one field read and written per claim); a job of a message that ran or
#: went back to the queue: the message is no longer busy with it.
_MESSAGE_OF = """
local function message_of(key) return string.match(key, '^(.*):[^:]*$') end
local function claimer(busy, message)
  local held = redis.call('HGET', busy, message)
  local replica, count = string.match(held or '', '^(%S+) (%d+)$')
  if not replica then return nil, 0 end
  return replica, tonumber(count)
end
local function unclaimed(busy, key)
  local message = message_of(key)
  local replica, count = claimer(busy, message)
  if count <= 1 then
    redis.call('HDEL', busy, message)
  else
    redis.call('HSET', busy, message, replica .. ' ' .. (count - 1))
  end
end
"""

#: Jobs a replica claimed go back to be claimed by others.
_GIVE_BACK = (
    _MESSAGE_OF
    + """
local function give_back(running, due, busy)
  local jobs = redis.call('ZRANGE', running, 0, -1, 'WITHSCORES')
  for i = 1, #jobs, 2 do
    redis.call('ZADD', due, jobs[i + 1], jobs[i])
    unclaimed(busy, jobs[i])
  end
  redis.call('DEL', running)
end
"""
)

#: Claim up to a batch of due jobs, earliest first, skipping those of a message busy on another replica.
#: KEYS: the due set, the jobs' values, the claimer's running set, the busy hash.
#: ARGV: now, the batch size, the claimer. Returns the claimed jobs' values.
CLAIM_JOBS = (
    _MESSAGE_OF
    + """
local found = redis.call('ZRANGE', KEYS[1], '-inf', ARGV[1], 'BYSCORE', 'LIMIT', 0, ARGV[2], 'WITHSCORES')
local values = {}
for i = 1, #found, 2 do
  local key = found[i]
  local message = message_of(key)
  local owner, count = claimer(KEYS[4], message)
  if not owner or owner == ARGV[3] then
    local value = redis.call('HGET', KEYS[2], key)
    redis.call('ZREM', KEYS[1], key)
    if value then  -- else it ran and was forgotten by a replica that died before saying so
      redis.call('ZADD', KEYS[3], found[i + 1], key)
      count = count + 1
      redis.call('HSET', KEYS[4], message, ARGV[3] .. ' ' .. count)
      values[#values + 1] = value
    end
  end
end
return values
"""
)

#: Jobs that ran are forgotten (as ``FORGET_JOBS`` forgets them: a message parked for its pending jobs goes back
#: to the retention set after its last), leave the claimer's running set, and their messages are no longer busy
#: with them. A claimed job is not in the due set; one given back to it meanwhile (its claimer was taken for
#: dead) is dropped by the next claim, which finds its value gone. KEYS: the jobs' values, the parked messages,
#: the retention set, the claimer's running set, the busy hash, then per job its message's set.
#: ARGV: per job its key and its message id.
RAN_JOBS = (
    _MESSAGE_OF
    + """
for i = 1, #ARGV / 2 do
  local key, id, of = ARGV[2 * i - 1], ARGV[2 * i], KEYS[5 + i]
  redis.call('HDEL', KEYS[1], key)
  redis.call('SREM', of, key)
  if redis.call('SCARD', of) == 0 then
    local score = redis.call('ZSCORE', KEYS[2], id)
    if score then
      redis.call('ZREM', KEYS[2], id)
      redis.call('ZADD', KEYS[3], 'GT', score, id)
    end
  end
  if redis.call('ZREM', KEYS[4], key) == 1 then unclaimed(KEYS[5], key) end
end
return #ARGV / 2
"""
)

#: Take over what every replica whose heartbeat is gone held, and the released deliveries: their claimed jobs
#: go back to be claimed, their pending deliveries become the taker's. KEYS: the replicas, the due set, the
#: busy hash, the taker's held deliveries, the released deliveries. ARGV: the taker, then the key prefixes of
#: heartbeats, running sets and held deliveries. Returns the delivery ids taken.
TAKE_OVER = (
    _GIVE_BACK
    + """
local taken = {}
local function take(set)
  for _, id in ipairs(redis.call('SMEMBERS', set)) do
    redis.call('SADD', KEYS[4], id)
    taken[#taken + 1] = id
  end
  redis.call('DEL', set)
end
for _, replica in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if replica ~= ARGV[1] and redis.call('EXISTS', ARGV[2] .. replica) == 0 then
    give_back(ARGV[3] .. replica, KEYS[2], KEYS[3])
    take(ARGV[4] .. replica)
    redis.call('SREM', KEYS[1], replica)
  end
end
take(KEYS[5])
return taken
"""
)

#: A replica stopping gives its claimed jobs back and releases its pending deliveries to whoever starts next.
#: KEYS: the replicas, the due set, the busy hash, its held deliveries, the released deliveries, its running
#: set, its heartbeat. ARGV: the replica.
RELEASE = (
    _GIVE_BACK
    + """
give_back(KEYS[6], KEYS[2], KEYS[3])
for _, id in ipairs(redis.call('SMEMBERS', KEYS[4])) do redis.call('SADD', KEYS[5], id) end
redis.call('DEL', KEYS[4], KEYS[7])
redis.call('SREM', KEYS[1], ARGV[1])
return 1
"""
)
