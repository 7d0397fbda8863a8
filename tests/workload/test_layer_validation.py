"""Every inconsistent layer shape is rejected with a one-line error naming the layer and field."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accelsim.errors import AccelsimError
from accelsim.workload.layer import ConcatLayer, ConvLayer, PoolLayer


def conv(**kw):
    base = dict(
        name="c",
        in_channels=4,
        in_height=8,
        in_width=8,
        out_channels=6,
        filter_height=3,
        filter_width=3,
    )
    base.update(kw)
    return ConvLayer(**base)


def test_output_size_derived_and_checked():
    layer = conv(pad=(1, 1, 1, 1), stride=2)
    assert (layer.out_height, layer.out_width) == (4, 4)
    with pytest.raises(AccelsimError, match="layer 'c': out_height 5 does not follow"):
        conv(out_height=5)


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        (dict(in_channels=0), "in_channels"),
        (dict(in_height=-3), "in_height"),
        (dict(out_channels=0), "out_channels"),
        (dict(stride=0), "stride"),
        (dict(filter_height=9), "filter_height 9 exceeds the padded input height 8"),
        (
            dict(filter_width=11, pad=(0, 0, 1, 1)),
            "filter_width 11 exceeds the padded input width 10",
        ),
        (dict(pad=(-1, 0, 0, 0)), "pad top"),
        (dict(groups=3), "in_channels 4 not divisible by groups 3"),
        (dict(groups=4, out_channels=6), "out_channels 6 not divisible by groups 4"),
        (dict(ifmap_zero=1.5), "ifmap_zero must be in"),
        (dict(ofmap_zero=-0.1), "ofmap_zero must be in"),
        (dict(ifmap_zero_unpadded=float("nan")), "ifmap_zero_unpadded"),
        (dict(kind="fc"), "fully connected"),
        (dict(kind="deconv"), "kind"),
        (dict(in_height=2.5), "in_height must be an integer"),
        (dict(batch_n=0), "batch_n"),
    ],
)
def test_rejected_conv(kw, field):
    with pytest.raises(AccelsimError) as info:
        conv(**kw)
    message = str(info.value)
    assert field in message and "\n" not in message
    assert message.startswith("layer 'c'")


def test_padded_zero_fraction_follows_from_unpadded():
    layer = conv(pad=(1, 1, 1, 1), ifmap_zero_unpadded=0.5)
    assert layer.ifmap_zero == pytest.approx(1 - 0.5 * 64 / 100)


def test_pool_and_concat_validation():
    pool = PoolLayer(
        name="p", in_channels=8, in_height=112, in_width=112, size=3, stride=2, ceil_mode=True
    )
    assert pool.out_height == 56
    assert (
        PoolLayer(name="p", in_channels=8, in_height=112, in_width=112, size=3, stride=2).out_height
        == 55
    )
    with pytest.raises(AccelsimError, match="layer 'p': size 9 exceeds"):
        PoolLayer(name="p", in_channels=1, in_height=4, in_width=4, size=9, stride=1)
    with pytest.raises(AccelsimError, match="mode"):
        PoolLayer(name="p", in_channels=1, in_height=4, in_width=4, size=2, stride=2, mode="min")
    with pytest.raises(AccelsimError, match="input channels"):
        ConcatLayer(name="j", input_channels=(3, 0), height=2, width=2)


@settings(max_examples=200, deadline=None)
@given(
    c=st.integers(1, 64),
    m=st.integers(1, 64),
    h=st.integers(1, 40),
    r=st.integers(1, 7),
    u=st.integers(1, 4),
    p=st.integers(0, 3),
    g=st.sampled_from([1, 2, 4]),
)
def test_macs_equal_r_s_c_m_e_f(c, m, h, r, u, p, g):
    if r > h + 2 * p:
        with pytest.raises(AccelsimError):
            conv(
                in_channels=c * g,
                out_channels=m * g,
                in_height=h,
                in_width=h,
                filter_height=r,
                filter_width=r,
                stride=u,
                pad=(p,) * 4,
                groups=g,
            )
        return
    layer = conv(
        in_channels=c * g,
        out_channels=m * g,
        in_height=h,
        in_width=h,
        filter_height=r,
        filter_width=r,
        stride=u,
        pad=(p,) * 4,
        groups=g,
    )
    e = (h + 2 * p - r) // u + 1
    assert layer.macs == r * r * c * (m * g) * e * e
