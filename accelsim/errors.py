"""The one exception type users see: a one-line message naming what is wrong."""


class AccelsimError(ValueError):
    """Invalid input or an impossible request; the message is a single line that names the field."""

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(str(message).split()))


def require(condition: bool, message: str) -> None:
    """Raise AccelsimError(message) unless condition holds."""
    if not condition:
        raise AccelsimError(message)


class LayerRefused(AccelsimError):
    """A layer a model cannot evaluate on this accelerator: it does not fit the array or its
    buffers (a filter taller than the PE rows, no legal mapping, no schedule). The rest of the
    network can still be evaluated; a comparison or a sweep records the layer as refused."""
