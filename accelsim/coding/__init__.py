"""Run-length coding (RLC) of feature maps, as Eyeriss stores them in DRAM."""

from accelsim.coding.rlc_size import RlcFormat, expected_nonzeros, rlc_format, rlc_words

__all__ = ["RlcFormat", "expected_nonzeros", "rlc_format", "rlc_words"]
