"""What a send answers: the messages refused unsent, worked out once, when a dialect first asks."""

from __future__ import annotations

from mockgateway.scenario.model import DEFAULT_SCENARIO, OPTED_OUT
from mockgateway.service.intake import Accepted
from tests.storage.factories import message


def test_the_refused_messages_are_those_whose_scenario_refuses_them_worked_out_once() -> None:
    sent, opted_out = message("1000000001"), message("1000000002")
    accepted = Accepted(messages=[sent, opted_out], scenarios=[DEFAULT_SCENARIO, OPTED_OUT])
    assert accepted.refused == {"1000000002"}
    assert accepted.refused is accepted.refused  # a dialect may ask once per message


def test_an_order_created_unsent_refuses_none() -> None:
    assert Accepted(messages=[message("1000000001")], sent=False).refused == frozenset()
