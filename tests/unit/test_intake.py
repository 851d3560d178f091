"""A send's messages hold one shared copy of each configuration earlier sends had, and are stored as made."""

from __future__ import annotations

import itertools

from mockgateway.domain.model import CallbackTarget, Message, Options, SendRequest
from mockgateway.encoding import segment
from mockgateway.scenario.model import DEFAULT_SCENARIO
from mockgateway.service.intake import SharedConfigs, new_messages
from mockgateway.storage.memory import InMemoryStore

_NUMBERS = itertools.count(1000000001)


def _sent(configs: SharedConfigs, *, url: str, options: Options) -> Message:
    request = SendRequest(
        account="demo",
        provider="livelink",
        destinations=("447700900123",),
        text="Hello",
        callbacks=(CallbackTarget(url=url),),  # each request its own tuple, as a dialect parses it
        options=options,
    )
    (message,) = new_messages(
        request,
        segment("Hello"),
        [DEFAULT_SCENARIO],
        now=0.0,
        numeric=lambda: str(next(_NUMBERS)),
        configs=configs,
    )
    return message


def test_sends_with_equal_configurations_share_one_copy_of_each() -> None:
    configs = SharedConfigs()
    first = _sent(configs, url="http://acks.example/a", options=(("api", "v2"), ("ackTimeInGMT", True)))
    second = _sent(configs, url="http://acks.example/a", options=(("api", "v2"), ("ackTimeInGMT", True)))
    assert second.callbacks is first.callbacks
    assert second.options is first.options


def test_a_true_option_never_stands_in_for_a_one() -> None:
    configs = SharedConfigs()
    true = _sent(configs, url="http://acks.example/a", options=(("flag", True),))
    one = _sent(configs, url="http://acks.example/b", options=(("flag", 1),))
    assert one.options == (("flag", 1),)
    assert one.options[0][1] is not True
    assert one.callbacks is not true.callbacks


async def test_the_memory_store_keeps_the_message_it_was_given() -> None:
    store = InMemoryStore()
    # equal configurations, not shared: the store copies neither message to share them
    first = _sent(SharedConfigs(), url="http://acks.example/a", options=(("api", "v2"),))
    second = _sent(SharedConfigs(), url="http://acks.example/a", options=(("api", "v2"),))
    await store.add_messages([first, second])
    assert await store.get_message(second.id) is second
    assert (await store.get_message(first.id)) is first
