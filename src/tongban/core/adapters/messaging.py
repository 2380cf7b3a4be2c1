"""Messaging ports (SMS, e-mail): the interface and the console implementation.

The console implementation logs each message and keeps the last ones in memory, which is
what the demo shows and the tests read. A real SMS gateway registers beside it.
"""

import logging
from collections import deque
from dataclasses import dataclass
from typing import Protocol

from .registry import register

logger = logging.getLogger("tongban.messaging")


@dataclass(frozen=True)
class OutgoingMessage:
    address: str
    subject: str
    body: str


class MessageSender(Protocol):
    def send(self, message: OutgoingMessage) -> None:
        """Deliver or raise; the caller records the failure and retries."""


SENT: deque[tuple[str, OutgoingMessage]] = deque(maxlen=200)


@register("sms", "console")
class ConsoleSms:
    def send(self, message: OutgoingMessage) -> None:
        SENT.append(("sms", message))
        logger.info("SMS to %s: %s", message.address, message.body)


@register("email", "console")
class ConsoleEmail:
    def send(self, message: OutgoingMessage) -> None:
        SENT.append(("email", message))
        logger.info("E-mail to %s: %s", message.address, message.subject)


@register("sms", "failing")
@register("email", "failing")
class FailingSender:
    """Always fails: for trying retries and the resend action."""

    def send(self, message: OutgoingMessage) -> None:
        raise ConnectionError("the gateway did not answer")
