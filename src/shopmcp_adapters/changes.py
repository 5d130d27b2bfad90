"""The in-process half of every change feed: hand each notice to every subscriber.

A failing listener is logged and skipped, never allowed to stop the others: one buggy cache
must not leave another holding what it should have dropped.
"""

from __future__ import annotations

import logging

from shopmcp_domain.changes import ChangeListener, ChangeNotice, Unsubscribe

log = logging.getLogger("shopmcp.changes")


class ChangeFanout:
    def __init__(self) -> None:
        # Keyed by a token, not the listener, so one function may subscribe twice.
        self._listeners: dict[object, ChangeListener] = {}

    def __repr__(self) -> str:
        return f"{type(self).__name__}(subscribers={len(self._listeners)})"

    @property
    def live(self) -> bool:
        """In process, notices cannot be lost; a feed with a connection overrides this."""
        return True

    @property
    def subscribers(self) -> int:
        return len(self._listeners)

    def subscribe(self, listener: ChangeListener) -> Unsubscribe:
        token = object()
        self._listeners[token] = listener

        def unsubscribe() -> None:
            self._listeners.pop(token, None)

        return unsubscribe

    def publish(self, notice: ChangeNotice) -> None:
        for listener in list(self._listeners.values()):
            try:
                listener(notice)
            except Exception:
                log.exception("change listener failed on a %s notice", type(notice).__name__)
