"""The core is wired one way: its parts are given at construction and stay behind the ``Gateway`` facade."""

from __future__ import annotations

from mockgateway.bootstrap import build_gateway
from mockgateway.clock import FakeClock
from mockgateway.config import Settings
from mockgateway.dispatch.dispatcher import CallbackDispatcher
from mockgateway.domain.model import CallbackTarget, SendRequest
from mockgateway.domain.queries import EventQuery
from mockgateway.http.app import create_app
from mockgateway.ids import SeededIds
from mockgateway.service.engine import Engine
from mockgateway.service.events import EventHub
from mockgateway.service.gateway import Gateway
from mockgateway.service.scheduler import Scheduler
from mockgateway.service.timekeeper import Retention
from mockgateway.service.tokens import TokenService
from mockgateway.storage.memory import InMemoryStore
from tests.conftest import T0
from tests.storage.test_gateway_retention import ACK_ALL
from tests.storage.test_restart import HoldingOutbox

CORE_PARTS = (
    Engine,
    Scheduler,
    EventHub,
    InMemoryStore,
    CallbackDispatcher,
    FakeClock,
    SeededIds,
    TokenService,
    Retention,
)


def _send_with_a_callback() -> SendRequest:
    return SendRequest(
        account="demo",
        provider="livelink",
        destinations=("33612345678",),
        text="Hello",
        callbacks=(CallbackTarget(url="http://127.0.0.1:9/cb"),),
        options=ACK_ALL,
    )


def test_the_gateway_hands_out_no_part_of_the_core(gateway: Gateway) -> None:
    public = (name for name in dir(gateway) if not name.startswith("_"))
    assert [name for name in public if isinstance(getattr(gateway, name), CORE_PARTS)] == []


async def test_a_gateway_renders_callbacks_from_construction_without_an_app() -> None:
    outbox = HoldingOutbox()
    gateway = build_gateway(Settings(clock="virtual", seed=7), clock=FakeClock(T0), outbox=outbox)
    await gateway.send(_send_with_a_callback())
    await gateway.advance(5)
    assert outbox.held
    assert len(await gateway.deliveries(EventQuery())) == len(outbox.held)


async def test_mounting_the_dialects_adds_no_renderer() -> None:
    settings = Settings(clock="virtual", seed=7)
    outbox = HoldingOutbox()
    gateway = build_gateway(settings, clock=FakeClock(T0), outbox=outbox, renderers={})
    create_app(settings, gateway=gateway)
    await gateway.send(_send_with_a_callback())
    await gateway.advance(5)
    assert outbox.held == []
    assert await gateway.deliveries(EventQuery()) == []
