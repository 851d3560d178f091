"""The pytest plugin: ``mockgateway`` (in-process, async), ``mockgateway_threaded`` / ``mockgateway_server``
(a real server in a background thread, for any HTTP client) and the ``mockgateway`` marker.

Loaded in every test session of an environment where mockgateway is installed, so importing it must stay
cheap and harmless: the gateway itself is only imported when a test asks for one of the fixtures.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from mockgateway.config import Settings
    from mockgateway.testing.handle import GatewayHandle
    from mockgateway.testing.threaded import SyncGatewayHandle

MARKER = (
    "mockgateway(scenarios=None, config=None, seed=0, clock='virtual', tls=False, admin_token=None): the "
    "mockgateway fixtures use this scenario directory, configuration file (paths relative to the test file), seed "
    "and admin token for the test; tls=True serves HTTPS, the handle's ca_path naming the certificate authority "
    "to trust"
)
MARKER_KEYS = ("scenarios", "config", "seed", "clock", "tls", "admin_token")
DEFAULT_SEED = 0  #: tests repeat: same ids, same random draws (e.g. the 'flaky' scenario)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", MARKER)


def settings_for(request: pytest.FixtureRequest) -> Settings:
    """Virtual clock and a fixed seed, unless the test's ``mockgateway`` marker says otherwise."""
    from mockgateway.config import Settings

    marker = request.node.get_closest_marker("mockgateway")
    options: dict[str, Any] = dict(marker.kwargs) if marker else {}
    unknown = sorted(set(options) - set(MARKER_KEYS))
    if unknown or (marker and marker.args):
        raise pytest.UsageError(
            f"@pytest.mark.mockgateway takes keyword arguments {', '.join(MARKER_KEYS)}; got {unknown or marker}"
        )
    base = Settings(
        clock=str(options.get("clock", "virtual")),
        seed=options.get("seed", DEFAULT_SEED),
        tls=options.get("tls") is True,
        admin_token=options.get("admin_token"),
    )
    paths = {key: _path(request, key, options.get(key)) for key in ("config", "scenarios")}
    return base.with_overrides(paths)


def _path(request: pytest.FixtureRequest, key: str, raw: object) -> str | None:
    if raw is None:
        return None
    path = Path(str(raw))
    if not path.is_absolute():
        path = Path(request.path).parent / path
    if not path.exists():
        raise pytest.UsageError(f"@pytest.mark.mockgateway({key}=...): {path} does not exist")
    return str(path)


def _async_fixture(function: Callable[..., AsyncIterator[GatewayHandle]]) -> Any:
    try:
        import pytest_asyncio
    except ImportError:  # the other fixtures still work; this one says what it needs

        def needs_asyncio() -> None:
            pytest.fail("the mockgateway fixture needs pytest-asyncio (or pytest-aiohttp); or use mockgateway_threaded")

        return pytest.fixture(name=function.__name__)(needs_asyncio)
    return pytest_asyncio.fixture(function)


@_async_fixture
async def mockgateway(request: pytest.FixtureRequest) -> AsyncIterator[GatewayHandle]:
    """A fresh gateway for this test, in-process on the virtual clock, served on 127.0.0.1."""
    from mockgateway.testing.handle import serve_in_process

    async with serve_in_process(settings_for(request)) as handle:
        yield handle


@pytest.fixture(scope="session")
def mockgateway_server_settings() -> Settings:
    """Settings of the session's threaded gateway; override this fixture to change them."""
    from mockgateway.config import Settings

    return Settings(clock="virtual", seed=DEFAULT_SEED)


@pytest.fixture(scope="session")
def mockgateway_server(mockgateway_server_settings: Settings) -> Iterator[SyncGatewayHandle]:
    """One gateway for the whole session, served from a background thread on 127.0.0.1."""
    from mockgateway.testing.threaded import GatewayThread

    with GatewayThread(mockgateway_server_settings).serving() as handle:
        yield handle


@pytest.fixture
def mockgateway_threaded(request: pytest.FixtureRequest) -> Iterator[SyncGatewayHandle]:
    """The session's threaded gateway, reset for this test; a test with a ``mockgateway`` marker gets its own."""
    if request.node.get_closest_marker("mockgateway") is None:
        handle: SyncGatewayHandle = request.getfixturevalue("mockgateway_server")
        handle.reset()
        yield handle
        return
    from mockgateway.testing.threaded import GatewayThread

    with GatewayThread(settings_for(request)).serving() as handle:
        yield handle
