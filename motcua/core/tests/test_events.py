from dataclasses import dataclass

import pytest

from motcua.core.events import DomainEvent, EventRegistry


@dataclass(frozen=True)
class Changed(DomainEvent):
    what: str


@dataclass(frozen=True)
class Closed(Changed):
    pass


def test_subscribers_of_a_base_class_receive_its_subclasses_after_the_specific_ones():
    registry, seen = EventRegistry(), []

    def on_changed(e: Changed) -> None:
        seen.append(("changed", e.what))

    def on_closed(e: Closed) -> None:
        seen.append(("closed", e.what))

    registry.subscribe(Changed, on_changed)
    registry.subscribe(Closed, on_closed)
    registry.subscribe(Closed, on_closed)  # a second ready() adds nothing
    registry.publish(Closed("a"))
    registry.publish(Changed("b"))
    assert seen == [("closed", "a"), ("changed", "a"), ("changed", "b")]
    assert registry.subscribers(Closed) == [
        f"{__name__}.test_subscribers_of_a_base_class_receive_its_subclasses_after_the_"
        "specific_ones.<locals>.on_closed",
        f"{__name__}.test_subscribers_of_a_base_class_receive_its_subclasses_after_the_"
        "specific_ones.<locals>.on_changed",
    ]


def test_a_subscriber_failure_reaches_the_publisher():
    registry = EventRegistry()

    def broken(e: Changed) -> None:
        raise RuntimeError("boom")

    registry.subscribe(Changed, broken)
    with pytest.raises(RuntimeError):
        registry.publish(Changed("x"))


def test_only_domain_events_can_be_subscribed_to():
    with pytest.raises(TypeError):
        EventRegistry().subscribe(dict, print)  # type: ignore[arg-type]
