"""Outside systems behind small interfaces: a registry of implementations per port.

A port is a name ("sms", "email", later "credit", "population" …). Each implementation
registers under a name; settings.TONGBAN_ADAPTERS picks one per port. Every port has a
working local implementation, so the demo and the tests need no outside system.
"""

from .registry import AdapterNotFound, get_adapter, register, registered

__all__ = ["AdapterNotFound", "get_adapter", "register", "registered"]
