"""Settings for development and the demo (the default profile).

Every value that differs between machines comes from a ``TONGBAN_*`` environment
variable; see docs/deploy.md for the full list.
"""

from .base import *  # noqa: F403
