"""RLC coding of feature maps: the size formula and a bit-exact codec."""

from accelsim.coding.rlc_size import (
    RlcFormat,
    as_format,
    chip_rlc_format,
    expected_nonzeros,
    rlc_words,
)

__all__ = ["RlcFormat", "as_format", "chip_rlc_format", "expected_nonzeros", "rlc_words"]
