"""The Redis store's Lua scripts: each runs atomically in one round trip, where redis-py's per-command cost
(packing, parsing, MULTI/EXEC replies) would otherwise dominate a send."""

from __future__ import annotations

#: A status change, compare-and-set on the revision.
#: KEYS: the message's hash, the retention set. ARGV: expected revision, value, new revision, kept from, id.
REPLACE_MESSAGE = """
if redis.call('HGET', KEYS[1], 'r') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'v', ARGV[2], 'r', ARGV[3])
redis.call('ZADD', KEYS[2], 'GT', ARGV[4], ARGV[5])
return 1
"""

#: Messages, each numbered in arrival order by the shared sequence.
#: KEYS: sequence, newest-first order, retention set, numeric high-water mark, then per message its hash and its
#: account's order. ARGV: the highest numeric id ('' for none), then per message id, value, revision, kept from.
ADD_MESSAGES = """
local n = (#KEYS - 4) / 2
local first = redis.call('INCRBY', KEYS[1], n) - n
for i = 1, n do
  local id, at = ARGV[4 * i - 2], first + i
  redis.call('HSET', KEYS[3 + 2 * i], 'v', ARGV[4 * i - 1], 'r', ARGV[4 * i])
  redis.call('ZADD', KEYS[2], 'NX', at, id)
  redis.call('ZADD', KEYS[4 + 2 * i], 'NX', at, id)
  redis.call('ZADD', KEYS[3], 'GT', ARGV[4 * i + 1], id)
end
if ARGV[1] ~= '' then redis.call('ZADD', KEYS[4], 'GT', ARGV[1], 'high') end
return n
"""

#: A notification or MO under a zero-padded arrival number, so that equal times list in arrival order; an MO a
#: reply job made forgets that job in the same call, so that the job run again makes none.
#: KEYS: sequence, values, id -> member, retention set, numeric high-water mark, then every series it is in, then
#: (a reply's MO) its job's entry. ARGV: id, value, time, the numeric id ('' for none), (a reply's MO) its job's
#: field in the entry.
ADD_EVENT = """
local series_end = #KEYS
if ARGV[5] then
  redis.call('HDEL', KEYS[#KEYS], ARGV[5])
  series_end = #KEYS - 1
end
local name = string.format('%016d', redis.call('INCR', KEYS[1]))
redis.call('HSET', KEYS[2], name, ARGV[2])
redis.call('HSET', KEYS[3], ARGV[1], name)
redis.call('ZADD', KEYS[4], 'GT', ARGV[3], ARGV[1])
if ARGV[4] ~= '' then redis.call('ZADD', KEYS[5], 'GT', ARGV[4], 'high') end
for i = 6, series_end do redis.call('ZADD', KEYS[i], ARGV[3], name) end
return name
"""

#: A callback delivery inserted (and listed in its indexes) or replaced; a finished one moves the retention start
#: of what it carried. The replica saving a pending one holds its lease; a finished one is no longer held.
#: KEYS: sequence, values, the deliveries' retention set, the retention set of its notifications or MOs, the
#: messages' retention set, the saving replica's held deliveries, then its newest-first indexes.
#: ARGV: id, value, kept from ('' while pending), the notification or MO it carries, its message id ('' for none).
SAVE_DELIVERY = """
if redis.call('HSET', KEYS[2], ARGV[1], ARGV[2]) == 1 then  -- new: listed under the next number
  local at = redis.call('INCR', KEYS[1])
  for i = 7, #KEYS do redis.call('ZADD', KEYS[i], 'NX', at, ARGV[1]) end
end
if ARGV[3] == '' then
  redis.call('ZREM', KEYS[3], ARGV[1])
  redis.call('SADD', KEYS[6], ARGV[1])
  return 0
end
redis.call('SREM', KEYS[6], ARGV[1])
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[1])
redis.call('ZADD', KEYS[4], 'GT', ARGV[3], ARGV[4])
if ARGV[5] ~= '' then redis.call('ZADD', KEYS[5], 'XX', 'GT', ARGV[3], ARGV[5]) end
return 1
"""

#: Notifications or MOs whose retention started at or before a cutoff, forgotten unless a callback delivered
#: since the purge read them moved their start later.
#: KEYS: retention set, id -> member, values, the all-accounts series, then each item's other series in turn.
#: ARGV: the cutoff, then per item its id, its member ('' when unknown) and how many series keys it has.
FORGET_EVENTS = """
local k, removed = 5, 0
local cutoff = tonumber(ARGV[1])
for i = 2, #ARGV, 3 do
  local id, name, n = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2])
  local score = redis.call('ZSCORE', KEYS[1], id)
  if score and tonumber(score) <= cutoff then
    redis.call('ZREM', KEYS[1], id)
    redis.call('HDEL', KEYS[2], id)
    if name ~= '' then
      redis.call('HDEL', KEYS[3], name)
      redis.call('ZREM', KEYS[4], name)
      for j = k, k + n - 1 do redis.call('ZREM', KEYS[j], name) end
    end
    removed = removed + 1
  end
  k = k + n
end
return removed
"""

#: A status change with what it made, in one call: the message's compare-and-set on its revision and, only if it
#: holds, the notification (as ``ADD_EVENT`` keeps one) and its new pending deliveries (as ``SAVE_DELIVERY``
#: keeps a new one, held by the saving replica). One ``INCRBY`` numbers them all.
#: KEYS: the message's hash, the messages' retention set, sequence, the notifications' values, their id -> member,
#: their retention set, the deliveries' values, their newest-first order, the replica's held deliveries, then the
#: notification's series, then per delivery its account's and its message's newest-first indexes.
#: ARGV: expected revision, value, new revision, kept from, message id; the notification's id, value, time and
#: how many series it is in; then per delivery its id and value.
RECORD_STEP = """
if redis.call('HGET', KEYS[1], 'r') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'v', ARGV[2], 'r', ARGV[3])
redis.call('ZADD', KEYS[2], 'GT', ARGV[4], ARGV[5])
local series = tonumber(ARGV[9])
local deliveries = (#ARGV - 9) / 2
local at = redis.call('INCRBY', KEYS[3], 1 + deliveries) - deliveries
local name = string.format('%016d', at)
redis.call('HSET', KEYS[4], name, ARGV[7])
redis.call('HSET', KEYS[5], ARGV[6], name)
redis.call('ZADD', KEYS[6], 'GT', ARGV[8], ARGV[6])
for i = 10, 9 + series do redis.call('ZADD', KEYS[i], ARGV[8], name) end
for d = 1, deliveries do
  local id, k = ARGV[8 + 2 * d], 8 + series + 2 * d
  redis.call('HSET', KEYS[7], id, ARGV[9 + 2 * d])
  redis.call('ZADD', KEYS[8], 'NX', at + d, id)
  redis.call('ZADD', KEYS[k], 'NX', at + d, id)
  redis.call('ZADD', KEYS[k + 1], 'NX', at + d, id)
  redis.call('SADD', KEYS[9], id)
end
return 1
"""
