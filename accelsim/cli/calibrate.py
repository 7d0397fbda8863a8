"""`accelsim calibrate [--fit alexnet|vgg16] [--out FILE]`: fit the RS model's calibration on one
measured network's CONV layers (JSSC 2017 Table V and III for AlexNet, Table VI for VGG-16) and
write the calibrated accelerator file with its provenance.

The fit (`validation.calibration.fit`) sees the fit set only. With `--splits` (default) it also
records how the answer depends on the split: the reverse split (fit the other network, predict
this one) and leave-one-layer-out on the fit set; `accelsim validate silicon --accelerator FILE`
shows them. scipy is imported only here; it is an optional extra (`pip install
'accelsim[calibrate]'`), and without it the command is a one-line error.
"""

from __future__ import annotations

import argparse

from accelsim.models.silicon import SILICON


def register(sub: argparse._SubParsersAction) -> None:
    from accelsim.calibration.parameters import DEFAULT_BOOTSTRAP

    parser = sub.add_parser(
        "calibrate",
        help="fit the RS model's calibration on measured Eyeriss layers; write an accelerator file",
    )
    parser.add_argument(
        "--fit", choices=tuple(SILICON), default="alexnet",
        help="the fit set: a measured network's CONV layers (default: alexnet)",
    )  # fmt: skip
    parser.add_argument(
        "--accelerator", default=None, metavar="PRESET|FILE",
        help="the 16-bit spatial array to calibrate (default: eyeriss)",
    )  # fmt: skip
    parser.add_argument(
        "--bootstrap", type=int, default=DEFAULT_BOOTSTRAP, metavar="N",
        help=f"bootstrap resamples of the fit layers for the uncertainty (default {DEFAULT_BOOTSTRAP})",
    )  # fmt: skip
    parser.add_argument(
        "--splits", action=argparse.BooleanOptionalAction, default=True,
        help="also fit the reverse split and leave-one-layer-out and record their errors "
        "(default: on)",
    )  # fmt: skip
    parser.add_argument(
        "--out", metavar="FILE", default=None,
        help="write the calibrated accelerator file (.toml/.yaml) atomically; default: print TOML",
    )  # fmt: skip
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import sys

    from accelsim.cli.common import accelerator_from_args
    from accelsim.errors import AccelsimError
    from accelsim.report.output import emit
    from validation.calibration.fit import calibrate, calibrated_text, write_calibrated

    if args.bootstrap < 0:
        raise AccelsimError(f"--bootstrap must be a non-negative integer, got {args.bootstrap}")
    if args.out is not None and not args.out.lower().endswith((".toml", ".yaml", ".yml")):
        raise AccelsimError(f"--out: use a .toml or .yaml file, got '{args.out}'")
    base = accelerator_from_args(args)
    result = calibrate(args.fit, base=base, bootstrap=args.bootstrap)
    if args.splits:
        from validation.calibration.report import split_study, split_summary

        study = split_summary(split_study(args.fit, base))
        result.extra_provenance["splits"] = study.to_dict("records")
    if args.out is None:
        emit(calibrated_text(result), None)
    else:
        write_calibrated(result, args.out)
        sys.stderr.write(summary_text(result) + "\n")
    return 0


def summary_text(result) -> str:
    """A few lines on what was fitted (stderr, when the file goes to --out)."""
    cal = result.accelerator.calibration
    lines = [f"# calibrated on {result.network} ({', '.join(result.layers)})"]
    lines.append(
        f"policy: mapper={cal.mapper} max_pe_sets={cal.max_pe_sets} max_channel_sets={cal.max_channel_sets} "
        f"glb_kb_bytes={cal.glb_kb_bytes} onchip_weight={cal.onchip_weight:g} "
        f"({result.policy_ties} of {result.policy_tested} combinations tied)"
    )
    e = result.accelerator.energy
    lines.append(
        f"continuous: static_power_w={cal.static_power_w:.4g} dram_link_efficiency="
        f"{cal.dram_link_efficiency:.4g} mac_pj={e.mac_pj:.4g} rf_pj={e.rf_pj:.4g} "
        f"glb_pj={e.glb_pj:.4g}"
    )
    res = result.residuals
    for key in ("latency_err", "energy_err"):
        lines.append(
            f"fit {key}: mean |err| {res[key].abs().mean():.1%}, max {res[key].abs().max():.1%}"
        )
    return "\n".join(lines)
