"""accelsim: cycle-level simulation and analytical energy models of CNN accelerators."""

from accelsim.errors import AccelsimError

__all__ = ["AccelsimError"]
__version__ = "0.1.0"
