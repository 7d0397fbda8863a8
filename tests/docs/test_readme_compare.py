"""The README's sentence on the simulator / analytical energy ratios quotes the shown `accelsim
compare` output (which tests/docs/test_docs.py keeps current)."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_quotes_the_shown_energy_ratios():
    text = README.read_text()
    block = text[text.index("    $ accelsim compare alexnet vgg16 googlenet squeezenet") :]
    ratios = re.findall(r"^    energy \(mJ\)\s+\S+\s+\S+\s+(\S+)", block, re.M)[:4]
    names = ("AlexNet", "VGG-16", "GoogLeNet", "SqueezeNet")
    quoted = (
        f"On Eyeriss the simulator's energy is {ratios[0]}x ({names[0]}), {ratios[1]}x "
        f"({names[1]}), {ratios[2]}x ({names[2]}) and {ratios[3]}x ({names[3]}) the analytical"
    )
    assert quoted in " ".join(text.split())
