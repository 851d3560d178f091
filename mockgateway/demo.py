"""Demo traffic: realistic messages, failures and replies sent through the real gateway, so a demo shows every
status. Handsets are in +44 7700 900000-900999, a range set aside for drama, so no real phone is texted; the
shipped magic numbers in that range make failures, retries, slow deliveries and STOP replies happen.

Faker (the ``demo`` extra) is imported only when demo traffic is switched on.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

from mockgateway.domain.errors import ConfigError, GatewayError
from mockgateway.domain.model import SendRequest
from mockgateway.service.gateway import Gateway
from mockgateway.tasks import stop

if TYPE_CHECKING:
    from faker import Faker

log = logging.getLogger(__name__)

#: The demo account's own number, which handsets reply to.
TWO_WAY_NUMBER = "447700900900"
#: Magic numbers of the shipped scenario library, with how often each is picked (ordinary handsets: 60).
MAGIC_NUMBERS: dict[str, int] = {
    "447700900002": 3,  # slow delivery
    "447700900003": 3,  # a retry, then delivered
    "447700900010": 2,  # temporary network error
    "447700900012": 2,  # no credit
    "447700900013": 1,  # blocked recipient
    "447700900014": 1,  # no operator
    "447700900016": 1,  # subscriber barred
    "447700900018": 2,  # unknown subscriber
    "447700900020": 1,  # expires at the end of its validity period
    "447700900030": 2,  # replies STOP
    "447700900031": 4,  # replies "YES please"
    "447700900032": 1,  # a reply from another number
    "447700900040": 1,  # the send is answered 429
    "447700900041": 1,  # the send is answered 500
    "447700900044": 1,  # order created, never sent
    "447700900050": 3,  # flaky
    "447700900060": 2,  # two parts, the second fails
}
ORDINARY_WEIGHT = 60
CONTACTS = 40
REPLY_CHANCE = 0.15
REPLIES = ("Yes", "YES please", "Thanks!", "Can we make it 3pm instead?", "Who is this?", "OK, see you then", "STOP")
MAX_IN_FLIGHT = 100


def load_faker(seed: int | None) -> Faker:
    try:
        from faker import Faker
    except ImportError:
        raise ConfigError("demo traffic needs Faker, which is not installed: pip install 'mockgateway[demo]'") from None
    fake = Faker("en_GB")
    if seed is not None:
        fake.seed_instance(seed)
    return fake


class DemoTraffic:
    """Makes up one piece of traffic per ``step()``: mostly sends, sometimes a handset's reply."""

    def __init__(self, gateway: Gateway, *, seed: int | None = None) -> None:
        self.gateway = gateway
        self.fake = load_faker(seed)
        self.rng = random.Random(seed)
        self.account = gateway.accounts.get("demo") or next(iter(gateway.accounts.values()))
        self.providers = sorted(self.account.credentials)
        #: Ordinary handsets, E.164 digits.
        self.contacts = [f"447700{n}" for n in self.rng.sample(range(900100, 900900), CONTACTS)]
        self.texted: dict[str, str] = {}  #: handset -> the origin that last texted it, for replies
        self.brands = [self._brand() for _ in range(6)]

    def _brand(self) -> str:
        words = self.fake.company().replace(",", " ").replace("-", " ").split()
        return "".join(word for word in words if word.isalnum())[:11] or "Acme"

    async def step(self) -> None:
        if self.texted and self.rng.random() < REPLY_CHANCE:
            await self.reply()
        else:
            await self.send()

    async def send(self) -> None:
        number = self._destination()
        origin, text = self._text(number)
        request = SendRequest(
            account=self.account.name,
            provider=self.rng.choice(self.providers),
            destinations=(number,),
            text=text,
            origin=origin,
            handset_ack=self.rng.random() < 0.3,
        )
        try:
            await self.gateway.send(request)
        except GatewayError as error:  # the magic numbers whose send itself fails
            log.debug("demo send to %s answered %s", number, error.http_status)
            return
        if not number.startswith("4477009000"):
            self.texted[number] = origin

    async def reply(self) -> None:
        handset = self.rng.choice(sorted(self.texted))
        text = self.rng.choice(REPLIES)
        await self.gateway.inject_mo(handset, self.texted[handset], text, account=self.account.name)
        if text == "STOP":
            del self.texted[handset]

    def _destination(self) -> str:
        pick = self.rng.choices([*MAGIC_NUMBERS, ""], [*MAGIC_NUMBERS.values(), ORDINARY_WEIGHT])[0]
        return pick or self.rng.choice(self.contacts)

    def _origin(self, two_way: bool) -> str:
        if self.account.origins:
            return self.rng.choice(self.account.origins)
        return TWO_WAY_NUMBER if two_way else self.rng.choice(self.brands)

    def _text(self, number: str) -> tuple[str, str]:
        """The sender and the text: a one-time code, an appointment reminder, a delivery notice or a greeting."""
        fake, rng = self.fake, self.rng
        first = fake.first_name()
        brand = self.rng.choice(self.brands)
        kind = rng.choice(("code", "appointment", "parcel", "table", "greeting"))
        if number == "447700900060":  # two parts: longer than one SMS
            kind = "appointment-long"
        day = fake.day_of_week()
        hour = f"{rng.randint(8, 17)}:{rng.choice(('00', '15', '30', '45'))}"
        if kind == "code":
            code = f"{rng.randint(0, 999999):06d}"
            return self._origin(False), f"{brand}: your verification code is {code}. It expires in 10 minutes."
        if kind == "parcel":
            ref = fake.bothify("??#########GB").upper()
            return self._origin(False), f"{brand}: parcel {ref} arrives {day} between {hour} and 1 hour later."
        if kind == "table":
            guests = rng.randint(2, 8)
            return self._origin(True), f"Hi {first}, your table for {guests} at {brand} is booked for {day} at {hour}."
        if kind == "greeting":
            return self._origin(False), f"Happy birthday {first}! 🎉 Here is 20% off at {brand} this week."
        text = (
            f"Hi {first}, a reminder of your appointment at {fake.city()} clinic on {day} at {hour}. "
            "Reply YES to confirm or STOP to opt out."
        )
        if kind == "appointment-long":
            text += f" Please arrive 10 minutes early and bring your letter. {fake.sentence(nb_words=14)}"
        return self._origin(True), text


async def run(traffic: DemoTraffic, rate: float) -> None:
    """One step every ``1 / rate`` seconds of real time until cancelled; a slow send does not hold others up."""
    running: set[asyncio.Task[None]] = set()
    try:
        while True:
            if len(running) < MAX_IN_FLIGHT:
                task = asyncio.create_task(_safely(traffic))
                running.add(task)
                task.add_done_callback(running.discard)
            await asyncio.sleep(1 / rate)
    finally:
        for task in running:
            task.cancel()


async def _safely(traffic: DemoTraffic) -> None:
    try:
        await traffic.step()
    except Exception:  # demo traffic must never take the gateway down
        log.exception("a demo step failed")


@contextlib.asynccontextmanager
async def demo_traffic(gateway: Gateway, *, rate: float, seed: int | None) -> AsyncIterator[DemoTraffic]:
    traffic = DemoTraffic(gateway, seed=seed)
    task = asyncio.create_task(run(traffic, rate), name="mockgateway-demo")
    log.info("demo traffic: %g messages per second for account %r", rate, traffic.account.name)
    try:
        yield traffic
    finally:
        await stop(task)
