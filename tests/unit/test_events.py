"""``EventHub``: listeners, by kind, and the ``wants`` check hot paths make before building an event."""

from __future__ import annotations

from mockgateway.service.events import Event, EventHub


def test_a_listener_of_some_kinds_hears_only_those() -> None:
    hub = EventHub()
    everything: list[str] = []
    callbacks: list[str] = []
    hub.subscribe(lambda e: everything.append(e.kind))
    stop = hub.subscribe(lambda e: callbacks.append(e.kind), kinds=("callback",))
    for kind in ("message", "callback", "clock"):
        hub.publish(Event(kind=kind))
    assert everything == ["message", "callback", "clock"]
    assert callbacks == ["callback"]
    stop()
    hub.publish(Event(kind="callback"))
    assert callbacks == ["callback"]


def test_wants_follows_subscriptions() -> None:
    hub = EventHub()
    assert not hub.wants("message")
    stop_some = hub.subscribe(lambda e: None, kinds=("notification",))
    assert not hub.wants("message")
    assert hub.wants("notification")
    stop_all = hub.subscribe(lambda e: None)
    assert hub.wants("message")
    stop_all()
    assert not hub.wants("message")
    stop_some()
    stop_some()  # stopping twice changes nothing
    assert not hub.wants("notification")
    assert not hub.listening


def test_a_failing_listener_does_not_stop_the_others() -> None:
    hub = EventHub()
    heard: list[str] = []

    def broken(event: Event) -> None:
        raise RuntimeError("boom")

    hub.subscribe(broken)
    hub.subscribe(lambda e: heard.append(e.kind))
    hub.publish(Event(kind="message"))
    assert heard == ["message"]
