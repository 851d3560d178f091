"""The Redis store beyond the shared contract: how it is chosen, start-up failures, prefixes and reopening."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from mockgateway.bootstrap import build_gateway, build_store
from mockgateway.clock import FakeClock
from mockgateway.config import Settings
from mockgateway.domain.errors import ConfigError
from mockgateway.domain.job import Job
from mockgateway.domain.model import DeliveryState, MessageStatus, SendRequest
from mockgateway.domain.queries import EventQuery, MessageQuery
from mockgateway.domain.state import OptOut
from mockgateway.storage.redis_store import RedisStore
from tests.conftest import T0
from tests.internals import before_event_purge_deletes, store_of
from tests.redis_server import free_port, redis_url
from tests.storage.factories import delivery, message, notification
from tests.storage.test_gateway_retention import ACK_ALL


async def _answer_as_redis_6(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Reads RESP commands; INFO gets a Redis 6 server section, anything else OK."""
    while header := await reader.readline():
        words = []
        for _ in range(int(header[1:])):
            await reader.readline()  # $length
            words.append((await reader.readline()).strip().upper())
        if words and words[0] == b"INFO":
            body = b"# Server\r\nredis_version:6.2.14\r\n"
            writer.write(b"$%d\r\n%s\r\n" % (len(body), body))
        else:
            writer.write(b"+OK\r\n")
        await writer.drain()
    writer.close()


@pytest.fixture
async def old_redis() -> AsyncIterator[str]:
    server = await asyncio.start_server(_answer_as_redis_6, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    yield f"redis://127.0.0.1:{port}/0"
    server.close()
    await server.wait_closed()


async def test_an_unreachable_redis_stops_start_up_naming_the_url() -> None:
    url = f"redis://127.0.0.1:{free_port()}/0"
    store = RedisStore(url)
    with pytest.raises(ConfigError, match="cannot be reached") as raised:
        await store.open()
    assert url in str(raised.value)
    await store.close()  # closing a store that never opened is harmless


@pytest.mark.parametrize(
    ("tail", "says"),
    [
        ("/0?colour=blue", "a query parameter is not a Redis connection option"),
        ("/abc", "not a Redis URL (the path must be the database's number, such as /0)"),
        ("/0?db=x", "not a Redis URL"),
    ],
)
async def test_a_url_redis_would_misread_stops_start_up_naming_it(tail: str, says: str) -> None:
    url = f"redis://127.0.0.1:{free_port()}{tail}"
    with pytest.raises(ConfigError) as raised:
        await RedisStore(url).open()
    assert str(raised.value).startswith(f"store {url}: {says}")


@pytest.mark.parametrize("userinfo", [":s3cret", "gateway:s3cret", "gateway:s3@cret"])
async def test_start_up_errors_never_show_the_password(userinfo: str) -> None:
    port = free_port()
    with pytest.raises(ConfigError) as raised:
        await RedisStore(f"redis://{userinfo}@127.0.0.1:{port}/0").open()
    shown = userinfo.split(":")[0]
    assert str(raised.value).startswith(f"store redis://{shown}:***@127.0.0.1:{port}/0: Redis cannot be reached")
    assert "s3" not in str(raised.value)


async def test_a_password_given_as_a_parameter_is_masked_too() -> None:
    port = free_port()
    with pytest.raises(ConfigError) as raised:
        await RedisStore(f"redis://127.0.0.1:{port}/0?password=s3cret&socket_timeout=1").open()
    assert str(raised.value).startswith(f"store redis://127.0.0.1:{port}/0?password=***&socket_timeout=1: ")
    assert "s3" not in str(raised.value)


async def test_a_redis_older_than_7_stops_start_up(old_redis: str) -> None:
    with pytest.raises(ConfigError, match=r"Redis 6\.2\.14 is too old; version 7 or later is needed") as raised:
        await RedisStore(old_redis).open()
    assert old_redis in str(raised.value)


def test_the_cli_stops_with_a_clear_message_when_redis_is_unreachable() -> None:
    url = f"redis://127.0.0.1:{free_port()}/0"
    result = subprocess.run(
        [sys.executable, "-m", "mockgateway", "serve", "--port", "0", "--store", url],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    assert f"configuration error: store {url}: Redis cannot be reached" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_store_and_its_prefix_come_from_flags_variables_or_the_config_file(tmp_path: Path) -> None:
    config = tmp_path / "gateway.yaml"
    config.write_text("store: redis://127.0.0.1:6390/2\nredis_prefix: 'sandbox:'\n", encoding="utf-8")
    from_file = Settings.from_env({"MOCKGATEWAY_CONFIG": str(config)})
    store, journal = build_store(from_file)
    assert isinstance(store, RedisStore)
    assert (store.url, store.keys.sequence) == ("redis://127.0.0.1:6390/2", "sandbox:m:seq")
    assert journal is not None
    env = {"MOCKGATEWAY_STORE": "redis://127.0.0.1:6390/3"}
    from_flags = Settings.from_env(env, {"redis_prefix": "other:"})
    assert (from_flags.store, from_flags.redis_prefix) == ("redis://127.0.0.1:6390/3", "other:")
    assert Settings().redis_prefix == "mockgateway:"


async def test_stores_under_other_prefixes_share_nothing(tmp_path: Path) -> None:
    url = redis_url()
    mine, theirs = RedisStore(url, prefix=f"test:{tmp_path}:a:"), RedisStore(url, prefix=f"test:{tmp_path}:b:")
    await mine.open()
    await theirs.open()
    try:
        await mine.add_messages([message("1000000001")])
        await theirs.add_messages([message("1000000002")])
        await theirs.clear()
        assert [m.id for m in (await mine.list_messages(MessageQuery())).items] == ["1000000001"]
        assert (await theirs.list_messages(MessageQuery())).total == 0
    finally:
        await mine.close()
        await theirs.close()


async def test_a_reopened_store_has_everything_it_had(tmp_path: Path) -> None:
    url, prefix = redis_url(), f"test:{tmp_path}:"
    first = RedisStore(url, prefix=prefix)
    await first.open()
    job = Job(message_id="1000000001", step=0, due_at=T0 + 60, text="hi", sender="447700900001")
    await first.add_messages([message("1000000001", parts=2)])
    await first.add_notification(notification("n1"))
    await first.journal().save([job])
    first.state.add_opt_out(OptOut(account="demo", number="447700900001", at=T0))
    first.state.save_clock(T0 + 30)
    await first.close()

    second = RedisStore(url, prefix=prefix)
    await second.open()
    try:
        assert await second.generation() == 1
        assert (await second.get_message("1000000001")) == message("1000000001", parts=2)
        assert await second.last_numeric_id() == 1000000002
        assert await second.journal().load() == [job]
        assert [o.number for o in await second.state.load_opt_outs()] == ["447700900001"]
        assert await second.state.load_clock() == T0 + 30
    finally:
        await second.close()


def _two_parts_acked() -> SendRequest:
    """Two messages on the default timeline: SENT after 1 s, DELIVERED after 3 s."""
    return SendRequest(
        account="demo", provider="livelink", destinations=("33612345678", "33612345679"), text="Hi", options=ACK_ALL
    )


async def test_a_gateway_restarted_on_the_same_keys_resumes_its_timeline(tmp_path: Path) -> None:
    settings = Settings(clock="virtual", seed=7, store=redis_url(), redis_prefix=f"test:{tmp_path}:")
    clock = FakeClock(T0)
    first = build_gateway(settings, clock=clock)
    assert isinstance(store_of(first), RedisStore)
    await first.open()
    accepted = await first.send(_two_parts_acked())
    await first.advance(1)  # SENT now; DELIVERED is due at +3 s
    await first.close()

    second = build_gateway(settings, clock=clock)
    restored = await second.open()
    try:
        assert restored.jobs == 2
        await second.advance(5)
        statuses = [n.status for n in await second.notifications(EventQuery(status="DELIVERED"))]
        assert statuses == [MessageStatus.DELIVERED] * 2
        again = await second.send(_two_parts_acked())  # new ids never repeat stored ones, even with the same seed
        old_ids = {part for m in accepted.messages for part in m.part_ids}
        assert not old_ids & {part for m in again.messages for part in m.part_ids}
    finally:
        await second.close()


async def test_a_notification_delivered_while_a_purge_runs_is_kept(tmp_path: Path) -> None:
    store = RedisStore(redis_url(), prefix=f"test:{tmp_path}:")
    await store.open()
    try:
        await store.add_notification(notification("n1", at=0))

        async def deliver() -> None:
            await store.save_delivery(delivery("d1", subject="n1", state=DeliveryState.DELIVERED, delivered=100))

        before_event_purge_deletes(store, deliver)
        await store.purge(T0 + 50, store.purge_batch)
        assert [n.id for n in await store.list_notifications(EventQuery())] == ["n1"]
        await store.purge(T0 + 100, store.purge_batch)
        assert await store.list_notifications(EventQuery()) == []
    finally:
        await store.close()
