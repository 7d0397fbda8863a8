"""The one exception type users see: a one-line message naming what is wrong."""


class AccelsimError(ValueError):
    """Invalid input or an impossible request; the message is a single line that names the field."""

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(str(message).split()))


def require(condition: bool, message: str) -> None:
    """Raise AccelsimError(message) unless condition holds."""
    if not condition:
        raise AccelsimError(message)
