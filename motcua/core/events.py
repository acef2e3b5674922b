"""Domain events: how a lower app tells higher ones about a change without importing them.

A lower app (dossiers) defines its events as frozen dataclasses deriving from `DomainEvent` and
publishes them from its actions. A higher app (processing, notifications, integration,
reporting) subscribes in its `AppConfig.ready`:

    events.subscribe(DossierReceived, start_process)

`publish` calls the subscribers at once, in the publisher's transaction, in the order they
subscribed; a subscriber to a base class receives every event of its subclasses (the most
specific class's subscribers first). A subscriber that must act after the commit (send a mail,
call another system) writes a row in the transaction and lets a worker pick it up: nothing is
lost if the process dies after the commit, and nothing is sent for a rolled-back change.

This is an explicit registry, not Django signals: `subscribers(kind)` lists who reacts to what
(tests/test_events.py pins that list), and a subscriber's exception rolls back the action.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar


@dataclass(frozen=True)
class DomainEvent:
    """Base of every domain event."""


E = TypeVar("E", bound=DomainEvent)
Subscriber = Callable[[Any], None]


class EventRegistry:
    def __init__(self) -> None:
        self._subscribers: dict[type[DomainEvent], list[Subscriber]] = defaultdict(list)

    def subscribe(self, kind: type[E], subscriber: Callable[[E], None]) -> None:
        """Call `subscriber` for every published event of `kind` (or a subclass of it).
        Subscribing the same function twice (a second `ready()`) is a no-op."""
        if not (isinstance(kind, type) and issubclass(kind, DomainEvent)):
            raise TypeError(f"{kind!r} is not a DomainEvent class")
        if subscriber not in self._subscribers[kind]:
            self._subscribers[kind].append(subscriber)

    def unsubscribe(self, kind: type[E], subscriber: Callable[[E], None]) -> None:
        if subscriber in self._subscribers.get(kind, []):
            self._subscribers[kind].remove(subscriber)

    def publish(self, event: DomainEvent) -> None:
        for kind in type(event).__mro__:
            for subscriber in list(self._subscribers.get(kind, ())):
                subscriber(event)

    def subscribers(self, kind: type[DomainEvent]) -> list[str]:
        """The qualified names of the functions that receive an event of `kind`, in the order
        they are called (those of its base classes included)."""
        return [
            f"{s.__module__}.{s.__qualname__}"
            for k in kind.__mro__
            for s in self._subscribers.get(k, ())
        ]


events = EventRegistry()
subscribe = events.subscribe
publish = events.publish
