"""tongban (通办): a city's government services platform."""

__version__ = "0.1.0"
