"""The `trace` RS engine: steps the array cycle by cycle, PE by PE and bus by bus.

Machines: the DRAM link (FIFO of transfers; each core cycle adds `clk_den` link units, a 64-bit
beat takes `clk_num`), the filter bus, the ifmap bus, the psum input and output buses, the PE
array (a MAC counter per active PE), and the vertical psum accumulation (a hop counter per column
step in flight). Each cycle has three phases: the controller (pass starts and ends, DRAM
requests), then the start decisions of the buses and the array (in the order output bus, array,
ifmap bus, psum input bus, DRAM link, so that a start that another start depends on is decided
first), then one cycle of work by every busy machine. A machine that finishes in cycle T is
marked done at T + 1. The rules are those of `fast.py`; the two engines must agree exactly.

Use it for small layers: it is plain Python, about 3 x 10^5 cycles a second.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import numpy as np

from accelsim.engine.rs.fast import (
    C_COMPUTE,
    C_DRAIN,
    C_DRAM,
    C_FILTER_LOAD,
    C_IFMAP_NOC,
    C_PSUM_IN_NOC,
    C_PSUM_OUT_NOC,
    K_DRAM_FILTER_READS,
    K_DRAM_IFMAP_READS,
    K_DRAM_OFMAP_WRITES,
    K_GLB_FILTER_READS,
    K_GLB_FILTER_WRITES,
    K_GLB_IFMAP_READS,
    K_GLB_IFMAP_WRITES,
    K_GLB_PSUM_READS,
    K_GLB_PSUM_WRITES,
    K_INTER_PE,
    K_MACS,
    K_NOC_FILTER,
    K_NOC_IFMAP,
    K_NOC_PSUM_IN,
    K_NOC_PSUM_OUT,
    K_PASSES,
    K_RF_FILTER_WRITES,
    K_RF_IFMAP_WRITES,
    K_RF_PSUM_WRITES_NOC,
    N_CAUSES,
    N_COUNTS,
    KernelPlan,
    kernel_plan,
)
from accelsim.engine.rs.plan import RSPlan
from accelsim.engine.rs.run import TRACE_MAX_CYCLES
from accelsim.errors import AccelsimError

ACTIVITY = ("active_pes", "ifmap_bus", "filter_bus", "psum_in_bus", "psum_out_bus", "dram_link")
"""Per-cycle activity the trace can record: busy PEs, values moved on each bus, link busy (0/1)."""

INF = 1 << 62


@dataclass
class PassSpec:
    nn: int
    ee: int
    ck: int
    sk: int
    k: int
    j: int
    load: bool  # first pass of a channel group: its ifmap is loaded from DRAM first
    writeback: bool  # last pass of a filter block: its ofmap goes to DRAM afterwards


@dataclass
class Transfer:
    words: int
    kind: str  # "filter" | "ifmap" | "ofmap"
    values: int = 0  # GLB-side values moved (ifmap load / ofmap read-out)
    done_at: int = INF


@dataclass
class Bus:
    """One bus: delivers `rate` values a cycle of the step it is serving."""

    rate: int
    step: int = -1
    remaining: int = 0
    done_at: list[int] = field(default_factory=list)  # per step: cycle its data is complete

    @property
    def busy(self) -> bool:
        return self.remaining > 0


@dataclass
class TraceRun:
    counts: np.ndarray
    cycles: np.ndarray
    total: int
    activity: dict[str, np.ndarray] | None


def _program(P: KernelPlan) -> list[PassSpec]:
    K = P.C // (P.q * P.r)
    B = P.M // P.m
    J = P.m // (P.p * P.t)
    n_chunks = -(-P.batch // P.n)
    n_strips = -(-P.E // P.e)
    out = []
    for _g in range(P.G // P.g):
        for ci in range(n_chunks):
            nn = P.n if ci < n_chunks - 1 else P.batch - P.n * (n_chunks - 1)
            for si in range(n_strips):
                ee = P.e if si < n_strips - 1 else P.E - P.e * (n_strips - 1)
                for _b in range(B):
                    for k in range(K):
                        for j in range(J):
                            out.append(
                                PassSpec(
                                    nn,
                                    ee,
                                    0 if nn == P.n else 1,
                                    0 if ee == P.e else 1,
                                    k,
                                    j,
                                    j == 0,
                                    j == J - 1 and k == K - 1,
                                )
                            )
    return out


def _column_receivers(P: KernelPlan, ee: int) -> np.ndarray:
    """PEs that receive each ifmap value of one column (g groups x q*r channels x rows_in rows).

    Row y of a channel goes diagonally to the PEs (i, j) of its set with j*U + i = y, in each of
    the t sets that share the channel group (of its own group)."""
    rows_in = (ee - 1) * P.U + P.R
    per_row = np.zeros(rows_in, dtype=np.int64)
    for j in range(ee):
        for i in range(P.R):
            per_row[j * P.U + i] += 1
    return np.tile(per_row * P.t, P.g * P.q * P.r)


def simulate_trace(
    plan: RSPlan, record: bool = False, max_cycles: int = TRACE_MAX_CYCLES
) -> TraceRun:
    """Step the plan cycle by cycle; `record` keeps the per-cycle activity (see ACTIVITY)."""
    P = kernel_plan(plan)  # the fast engine's view of the plan, field for field
    counts = np.zeros(N_COUNTS, dtype=np.int64)
    cycles = np.zeros(N_CAUSES, dtype=np.int64)
    program = _program(P)
    loads_at = [i for i, spec in enumerate(program) if spec.load]
    prefetch = P.g > 1  # group sets pipeline their channel groups' ifmap loads
    W = (P.F - 1) * P.U + P.S
    flt = P.g * P.p * P.t * P.q * P.r * P.R * P.S
    d_c = P.p * P.q * P.S
    hop = (P.R * P.r - 1) * -(-P.p // P.link_rate)
    act: dict[str, list[int]] = {name: [] for name in ACTIVITY} if record else {}

    # DRAM link.
    queue: deque[Transfer] = deque()
    link_cur: Transfer | None = None
    link_units = 0
    link_need = 0

    def enqueue(tr: Transfer) -> Transfer:
        queue.append(tr)
        return tr

    def ifmap_load(spec: PassSpec) -> Transfer:
        rows_in = (spec.ee - 1) * P.U + P.R
        values = P.g * spec.nn * P.q * P.r * rows_in * W
        return enqueue(Transfer(int(P.if_dram[spec.ck, spec.sk]), "ifmap", values))

    # Controller state.
    pi = 0  # index of the next pass to start
    loads_done = 0  # ifmap loads issued ahead by the pipeline (after the first)
    prev_end = 0
    filt_fetch = enqueue(Transfer(flt, "filter"))  # the first pass's filters, at cycle 0
    load: Transfer | None = None
    pending_setup = True  # the next pass's DRAM requests (write-back/ifmap load) not yet issued
    in_pass = False
    cur: PassSpec | None = None

    # Per-pass machines.
    filter_left = 0
    body_start = INF
    N = 0
    ifb = Bus(P.ifmap_rate)
    pib = Bus(P.psum_rate)
    pob = Bus(P.psum_rate)
    pe_left = np.zeros(0, dtype=np.int64)
    c_start: list[int] = []
    c_end: list[int] = []
    acc: list[list[int]] = []  # [step, hops left]
    acc_ready: list[int] = []
    o_start: list[int] = []
    s_c = 0
    s_i = 0
    s_p = 0
    s_o = 0
    col_recv = np.zeros(0, dtype=np.int64)
    col_recv_cum = np.zeros(1, dtype=np.int64)
    if_delivered = 0
    if_step_total = 0
    has_pin = False
    t0 = 0
    ended = False

    now = 0
    while True:
        if now > max_cycles:
            raise AccelsimError(
                f"trace engine: layer needs more than {max_cycles} cycles; use the fast engine"
            )
        # ---- Phase 1: controller ------------------------------------------------------------
        if (
            in_pass
            and N
            and len(o_start) == N
            and pob.done_at
            and pob.done_at[-1] <= now
            and len(pob.done_at) == N
        ):
            # The pass is over: drain = last output end - last compute end.
            prev_end = pob.done_at[-1]
            cycles[C_DRAIN] += prev_end - c_end[-1]
            in_pass = False
            pending_setup = True
            if cur.writeback:
                nn, ee = cur.nn, cur.ee
                values = P.g * nn * P.m * ee * P.F
                enqueue(Transfer(int(P.of_dram[cur.ck, cur.sk]), "ofmap", values))
        if not in_pass and pi < len(program):
            nxt = program[pi]
            if pending_setup and nxt.load and not (prefetch and pi > 0):
                load = ifmap_load(nxt)
            pending_setup = False
            ready = prev_end <= now and filt_fetch.done_at <= now
            if nxt.load:
                ready = ready and load is not None and load.done_at <= now
            if ready:
                cycles[C_DRAM] += now - prev_end
                cur = nxt
                pi += 1
                in_pass = True
                if pi < len(program):
                    filt_fetch = enqueue(Transfer(flt, "filter"))
                if prefetch and cur.load and loads_done < len(loads_at) - 1:
                    # The next channel group's ifmap, into the second GLB allocation.
                    loads_done += 1
                    load = ifmap_load(program[loads_at[loads_done]])
                # Filter multicast into the scratchpads, then the column steps.
                filter_left = flt
                cycles[C_FILTER_LOAD] += -(-flt // P.filter_rate)
                counts[K_NOC_FILTER] += flt
                counts[K_GLB_FILTER_READS] += flt
                pes = P.g * P.R * cur.ee * P.r * P.t
                counts[K_RF_FILTER_WRITES] += pes * P.p * P.q * P.S
                counts[K_PASSES] += 1
                body_start = INF
                N = cur.nn * P.F
                ifb, pib, pob = Bus(P.ifmap_rate), Bus(P.psum_rate), Bus(P.psum_rate)
                pe_left = np.zeros(pes, dtype=np.int64)
                c_start, c_end, acc, acc_ready, o_start = [], [], [], [], []
                s_c = s_i = s_p = s_o = 0
                col_recv = _column_receivers(P, cur.ee)
                col_recv_cum = np.concatenate(([0], np.cumsum(col_recv)))
                has_pin = cur.k > 0
        elif not in_pass and pi == len(program) and not ended:
            ended = True
        # ---- Phase 2: start decisions ---------------------------------------------------------
        if in_pass and body_start <= now:
            # Output bus: the psums of step s_o, once accumulated.
            if (
                not pob.busy
                and s_o < N
                and s_o < len(acc_ready)
                and acc_ready[s_o] <= now
                and (not pob.done_at or pob.done_at[-1] <= now)
            ):
                o_start.append(now)
                pob.step = s_o
                pob.remaining = P.g * P.p * P.t * cur.ee
                s_o += 1
            # The array: step s_c.
            if (
                s_c < N
                and not pe_left.any()
                and (s_c == 0 or c_end[-1] <= now)
                and len(ifb.done_at) > s_c
                and ifb.done_at[s_c] <= now
                and (not has_pin or (len(pib.done_at) > s_c and pib.done_at[s_c] <= now))
                and (s_c < 2 or (len(o_start) > s_c - 2 and o_start[s_c - 2] <= now))
            ):
                prev_c_end = c_end[-1] if s_c else t0
                bound = max(prev_c_end, ifb.done_at[s_c])
                cause = C_IFMAP_NOC
                if has_pin and pib.done_at[s_c] > bound:
                    bound = pib.done_at[s_c]
                    cause = C_PSUM_IN_NOC
                if s_c > 1 and o_start[s_c - 2] > bound:
                    bound = o_start[s_c - 2]
                    cause = C_PSUM_OUT_NOC
                if now > prev_c_end:
                    cycles[cause] += now - prev_c_end
                cycles[C_COMPUTE] += d_c
                c_start.append(now)
                pe_left[:] = d_c
                s_c += 1
            # Ifmap bus: step s_i once step s_i - 1 has started computing.
            if (
                not ifb.busy
                and s_i < N
                and (not ifb.done_at or ifb.done_at[-1] <= now)
                and (s_i == 0 or len(c_start) >= s_i)
            ):
                cols = P.S if s_i % P.F == 0 else P.U
                ifb.step = s_i
                if_step_total = cols * len(col_recv)
                ifb.remaining = if_step_total
                if_delivered = 0
                s_i += 1
            if (
                has_pin
                and not pib.busy
                and s_p < N
                and (not pib.done_at or pib.done_at[-1] <= now)
                and (s_p == 0 or len(c_start) >= s_p)
            ):
                pib.step = s_p
                pib.remaining = P.g * P.p * P.t * cur.ee
                s_p += 1
        if link_cur is None and queue:
            link_cur = queue.popleft()
            link_units = 0
            link_need = -(-link_cur.words // P.dram_values_per_beat) * P.clk_num
        # ---- Phase 3: one cycle of work ------------------------------------------------------
        moved = {"ifmap_bus": 0, "filter_bus": 0, "psum_in_bus": 0, "psum_out_bus": 0}
        busy_pes = 0
        if in_pass:
            if filter_left > 0:
                step = min(P.filter_rate, filter_left)
                filter_left -= step
                moved["filter_bus"] = step
                if filter_left == 0:
                    body_start = now + 1
                    t0 = now + 1
            if ifb.busy:
                step = min(ifb.rate, ifb.remaining)
                L = len(col_recv)
                a, b = if_delivered, if_delivered + step
                recv = (
                    ((b // L) - (a // L)) * col_recv_cum[-1]
                    + col_recv_cum[b % L]
                    - col_recv_cum[a % L]
                )
                counts[K_RF_IFMAP_WRITES] += recv
                counts[K_NOC_IFMAP] += step
                counts[K_GLB_IFMAP_READS] += step
                if_delivered = b
                ifb.remaining -= step
                moved["ifmap_bus"] = step
                if ifb.remaining == 0:
                    ifb.done_at.append(now + 1)
            if pib.busy:
                step = min(pib.rate, pib.remaining)
                pib.remaining -= step
                counts[K_NOC_PSUM_IN] += step
                counts[K_GLB_PSUM_READS] += step
                counts[K_RF_PSUM_WRITES_NOC] += step
                moved["psum_in_bus"] = step
                if pib.remaining == 0:
                    pib.done_at.append(now + 1)
            if pe_left.any():
                active = pe_left > 0
                busy_pes = int(active.sum())
                counts[K_MACS] += busy_pes
                pe_left[active] -= 1
                if not pe_left.any():
                    c_end.append(now + 1)
                    s_done = len(c_end) - 1
                    counts[K_INTER_PE] += P.g * P.p * P.t * cur.ee * (P.R * P.r - 1)
                    if hop == 0:
                        acc_ready.append(now + 1)
                    else:
                        acc.append([s_done, hop])
            # Accumulation pipelines of earlier steps (a new one starts next cycle).
            for item in acc:
                if item[0] < len(c_end) and c_end[item[0]] <= now:
                    item[1] -= 1
                    if item[1] == 0:
                        acc_ready.append(now + 1)
            acc = [item for item in acc if item[1] > 0]
            if pob.busy:
                step = min(pob.rate, pob.remaining)
                pob.remaining -= step
                counts[K_NOC_PSUM_OUT] += step
                counts[K_GLB_PSUM_WRITES] += step
                moved["psum_out_bus"] = step
                if pob.remaining == 0:
                    pob.done_at.append(now + 1)
        link_busy = 0
        if link_cur is not None:
            link_busy = 1
            link_units += P.clk_den
            if link_units >= link_need:
                tr = link_cur
                tr.done_at = now + 1
                if tr.kind == "filter":
                    counts[K_DRAM_FILTER_READS] += tr.words
                    counts[K_GLB_FILTER_WRITES] += flt
                elif tr.kind == "ifmap":
                    counts[K_DRAM_IFMAP_READS] += tr.words
                    counts[K_GLB_IFMAP_WRITES] += tr.values
                else:
                    counts[K_DRAM_OFMAP_WRITES] += tr.words
                    counts[K_GLB_PSUM_READS] += tr.values
                link_cur = None
        if record:
            act["active_pes"].append(busy_pes)
            for key, value in moved.items():
                act[key].append(value)
            act["dram_link"].append(link_busy)
        now += 1
        if ended and link_cur is None and not queue:
            break
    # The layer ends when the last pass and the last DRAM transfer are done.
    last_link = now if link_busy else 0
    total = max(prev_end, last_link)
    cycles[C_DRAM] += total - prev_end
    activity = None
    if record:
        activity = {k: np.asarray(v[:total], dtype=np.int64) for k, v in act.items()}
    return TraceRun(counts, cycles, int(total), activity)
