"""Case permissions, registered with the one policy module (tongban.org.policy)."""


def register() -> None:
    pass
