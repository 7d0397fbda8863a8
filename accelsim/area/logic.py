"""Area of multipliers, adders and registers: Aladdin's 40 nm cells scaled in width and node.

Width scaling follows Accelergy's library plug-in (`scaling.py`): area is linear in each operand's
width, so a multiplier scales as width_a x width_b (8 bit is 1/16 of Aladdin's 32-bit multiplier)
and an adder or a register linearly in its width. Node scaling: `technology.logic_area_scale`.
"""

from __future__ import annotations

from accelsim.area.tables import logic_area
from accelsim.area.technology import logic_area_scale


def multiplier_um2(bits_a: int, bits_b: int, technology_nm: int) -> float:
    """Area in um2 of a `bits_a` x `bits_b` integer multiplier."""
    width, area_um2, node = logic_area("multiplier")
    return area_um2 * (bits_a / width) * (bits_b / width) * logic_area_scale(node, technology_nm)


def adder_um2(bits: int, technology_nm: int) -> float:
    """Area in um2 of a `bits`-wide adder."""
    width, area_um2, node = logic_area("adder")
    return area_um2 * (bits / width) * logic_area_scale(node, technology_nm)


def register_um2(bits: int, technology_nm: int) -> float:
    """Area in um2 of `bits` register (flip-flop) bits."""
    width, area_um2, node = logic_area("register")
    return area_um2 * (bits / width) * logic_area_scale(node, technology_nm)


def mac_um2(bits: int, technology_nm: int) -> float:
    """Area in um2 of one MAC: a `bits` x `bits` multiplier and a `bits`-wide adder (the psum is
    a word of the array's width, as in the simulators)."""
    return multiplier_um2(bits, bits, technology_nm) + adder_um2(bits, technology_nm)
