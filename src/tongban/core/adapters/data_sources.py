"""The data-source port (数据共享): how the platform asks a register about one subject.

Each data source (population, enterprise registry, education, qualifications, social
insurance, credit, the platform's own certificate library) names an adapter registered on
port ``data_source``: ``local`` (tables of the sharing app, synthetic demo data), ``http``
(a provincial exchange speaking JSON) or ``certificate_library`` (the certificates app).
The sharing app records every query; adapters only fetch.
"""

from dataclasses import dataclass, field
from typing import Any, Protocol

PORT = "data_source"


@dataclass(frozen=True)
class SourceRequest:
    source: str  # the data source's code, e.g. "population"
    subject: str  # a resident ID number or a unified social credit code
    options: dict[str, Any] = field(default_factory=dict)  # the source's configuration


class DataSourceAdapter(Protocol):
    def fetch(self, request: SourceRequest) -> dict[str, Any] | None:
        """The subject's record as JSON-able data; None when the source holds none.

        Raises on failure (timeout, refusal, malformed answer): the caller records it."""
