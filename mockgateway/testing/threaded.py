"""A gateway served from a background thread with its own event loop, for tests whose HTTP client is not
asyncio-based (requests, urllib, a browser). ``SyncGatewayHandle`` offers the async handle's methods as plain
calls, run in the server's loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable, Coroutine, Iterator
from typing import Any, ParamSpec, TypeVar

from mockgateway.config import Settings
from mockgateway.testing.handle import GatewayHandle, serve_in_process

T = TypeVar("T")
P = ParamSpec("P")
START_TIMEOUT_S = 30.0
#: Beyond a wait's own timeout: how long a call may take to come back from the server's loop.
CALL_MARGIN_S = 30.0


class SyncGatewayHandle:
    """Like ``GatewayHandle``, but every method is an ordinary call (made from any thread but the server's)."""

    def __init__(self, handle: GatewayHandle, loop: asyncio.AbstractEventLoop) -> None:
        self._handle = handle
        self._loop = loop
        self.url = handle.url
        self.settings = handle.settings
        self.ca_path = handle.ca_path
        self.admin_headers = handle.admin_headers  #: the admin token's header, when the gateway has one
        # The async handle's methods, each run in the server's loop and waited for here.
        self.advance = self._blocking(handle.advance)
        self.reset = self._blocking(handle.reset)
        self.messages = self._blocking(handle.messages)
        self.notifications = self._blocking(handle.notifications)
        self.mos = self._blocking(handle.mos)
        self.callbacks = self._blocking(handle.callbacks)
        self.latest_code = self._blocking(handle.latest_code)
        self.inject_mo = self._blocking(handle.inject_mo)
        self.wait_for_message = self._blocking(handle.wait_for_message)
        self.wait_for_notification = self._blocking(handle.wait_for_notification)
        self.wait_for_mo = self._blocking(handle.wait_for_mo)
        self.wait_for_callback = self._blocking(handle.wait_for_callback)
        self.assert_sent = self._blocking(handle.assert_sent)
        self.assert_no_message = self._blocking(handle.assert_no_message)

    def __repr__(self) -> str:
        return f"<SyncGatewayHandle {self.url}>"

    def token(self, account: str = "demo") -> str:
        return self._blocking(_call)(self._handle.token, account)

    def now(self) -> float:
        return self._blocking(_call)(self._handle.now)

    def _blocking(self, method: Callable[P, Coroutine[Any, Any, T]]) -> Callable[P, T]:
        """``method`` as a plain call, given a wait's own ``timeout`` and a margin to come back in."""

        def call(*args: P.args, **kwargs: P.kwargs) -> T:
            timeout = kwargs.get("timeout")
            margin = (timeout if isinstance(timeout, int | float) else 0.0) + CALL_MARGIN_S
            return asyncio.run_coroutine_threadsafe(method(*args, **kwargs), self._loop).result(margin)

        call.__doc__ = method.__doc__
        return call


async def _call(function: Callable[..., T], *args: Any) -> T:
    """Run a plain method in the server's loop, so gateway state is only ever touched from that thread."""
    return function(*args)


class GatewayThread:
    """Starts the gateway on a free port of 127.0.0.1 in a daemon thread; ``stop()`` shuts it down cleanly."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._ready = threading.Event()
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._error: BaseException | None = None
        self.handle: SyncGatewayHandle | None = None

    def start(self) -> SyncGatewayHandle:
        self._thread = threading.Thread(target=asyncio.run, args=(self._main(),), name="mockgateway", daemon=True)
        self._thread.start()
        if not self._ready.wait(START_TIMEOUT_S):
            raise RuntimeError(f"the gateway did not start within {START_TIMEOUT_S:g} s")
        if self._error is not None:
            raise RuntimeError(f"the gateway could not start: {self._error}") from self._error
        assert self.handle is not None
        return self.handle

    @contextlib.contextmanager
    def serving(self) -> Iterator[SyncGatewayHandle]:
        """``start()``, and ``stop()`` when the context closes."""
        try:
            yield self.start()
        finally:
            self.stop()

    def stop(self) -> None:
        if self._loop is not None and self._stop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._stop.set)
        if self._thread is not None:
            self._thread.join(START_TIMEOUT_S)

    async def _main(self) -> None:
        async with contextlib.AsyncExitStack() as undo:
            try:
                self._loop = asyncio.get_running_loop()
                self._stop = asyncio.Event()
                handle = await undo.enter_async_context(serve_in_process(self.settings))
                self.handle = SyncGatewayHandle(handle, self._loop)
            except BaseException as error:  # reported to the starting thread
                self._error = error
                return
            finally:
                self._ready.set()  # the starting thread waits for this, started or not
            await self._stop.wait()
