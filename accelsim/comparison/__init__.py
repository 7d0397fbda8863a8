"""Any two models side by side (`accelsim compare`): per layer and per network, every shared
column of the result contract from both, their ratio, and why they differ.

    frame = accelsim.compare(["alexnet", "vgg16"], models="analytical,rs")
    summary = accelsim.summarize(frame)
"""

from accelsim.comparison.frame import COMPARED_COLUMNS, FRAME_COLUMNS, TOTAL, compare
from accelsim.comparison.summary import SUMMARY_COLUMNS, summarize

__all__ = ["COMPARED_COLUMNS", "FRAME_COLUMNS", "SUMMARY_COLUMNS", "TOTAL", "compare", "summarize"]
