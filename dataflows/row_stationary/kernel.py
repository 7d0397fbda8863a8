"""The numba kernel of the streaming RS mapper (`dataflows.row_stationary.search`), and the
columns of the tables it reads.

A module of its own: importing the mapper's definitions does not load numba, and numba's on-disk
cache, which watches the file of a cached function only, sees every constant the kernel reads.
"""

from __future__ import annotations

from accelsim.kernel_tier import kernel

# Columns of the pair table (one row per (m, p, q, r, t) whose filters fit the scratchpad).
P_M, P_P, P_Q, P_R, P_T, P_QI, P_RT, P_QRP, P_RANK = 0, 1, 2, 3, 4, 5, 6, 7, 8
P_IF_GLB = 9  # GLB ifmap reads + writes per ifmap row of the batch: (passes + B*K) * q*r * W
P_PSUM_GLB = 10  # GLB psum reads + writes: (K-1)*M*F*X + M*F*X + K*M*F*X
P_IF_LOADS = 11  # ifmap loads of a group's chunk and strip: B*K*G
P_OF_WRITES = 12  # ofmap write-backs: B*G
P_COMPUTE = 13  # MAC-bound cycles per strip: G*passes*batch*F*p*q*S
P_RF_IF = 14  # ifmap scratchpad writes: passes*R*r*t*q*W*X
P_RF_F = 15  # filter scratchpad writes per G*chunks*E: passes*R*r*t*p*q*S
P_RF_PSUM = 16  # psum scratchpad writes from the NoC: (K-1)*M*F*X
P_INTER = 17  # inter-PE transfers: K*M*F*X*(R*r-1)
P_OVERHEAD = 18  # filter loads and accumulation hops of a strip's passes: G/g*B*K*J*(d_f + h)
P_FETCH = 19  # DRAM link cycles of a strip's passes' filter fetches: G/g*B*K*J*link(filters)
P_IF_BUS = 20  # ifmap values on the bus per ifmap row of the batch: B*K*J*q*r*W
P_PSUM_BUS = 21  # least psum output bus cycles: K*M*F*X // psum rate
N_PAIR_COLS = 22

# Columns of the row table (one row per (n, e), n at most what the GLB holds at q*r = m = 1).
W_N, W_E, W_SETS, W_STRIPS, W_IF_ROWS, W_FILTERS, W_IF_UNIT, W_OF_UNIT, W_RF_F, W_BLOCKS = range(10)
# W_IF_ROWS: ifmap rows of the batch over all strips (G*batch*sum of (e'-1)U+R); W_FILTERS:
# filter words moved (NoC = GLB reads = GLB writes = DRAM), M*C*R*S*G*chunks*strips for any
# pair; W_IF_UNIT, W_OF_UNIT: GLB words per q*r and per filter, n*((e-1)U+R)*W and n*e*F;
# W_RF_F: G*chunks*E; W_BLOCKS: chunks*strips.
N_ROW_COLS = 10


@kernel
def link_cycles(words, vpb, num, den):
    """Core cycles of a DRAM transfer of `words` (`timing.link_cycles`)."""
    return -(-(-(-words // vpb) * num) // den)


@kernel
def best_candidates(
    iv, fv, pairs, spans, rows, dram_if, dram_of, order, low, best_blk, best_j, best_obj, best_tie
):
    """Fill `best_blk`, `best_j`, `best_obj`, `best_tie` (length `top`, allocated by the caller:
    numpy's allocators would each be compiled into the kernel) with the `top` best candidates,
    best first: block, pair row, objective and tie; returns how many there are.

    `order`: blocks (m index x rows + row) in increasing lower bound `low`; `spans[m index]`:
    the pairs of that m, by increasing r*t. `dram_if[row, q*r index]`, `dram_of[row, m index]`:
    DRAM words of a channel group's ifmap loads and a filter block's ofmap write-backs over the
    chunks and strips of a group. `iv`: GLB words, values per DRAM beat, chip policy, whether
    DRAM transfers overlap the passes (pipelined group sets), ifmap bus rate and the core /
    DRAM clock ratio as num, den. The `chip` policy's time is MAC-bound plus link time (their
    larger when pipelined); the `energy` policy's is `timing.least_cycles`."""
    glb, vpb, chip, piped, rate_if, num, den = iv[0], iv[1], iv[2], iv[3], iv[4], iv[5], iv[6]
    rf0, mac_e, ratio, clock_hz, rf_j, inter_j = fv[0], fv[1], fv[2], fv[3], fv[4], fv[5]
    glb_j, dram_j, power, c_ratio, weight = fv[6], fv[7], fv[8], fv[9], fv[10]
    top = best_obj.shape[0]
    kept = 0
    n_rows = rows.shape[0]
    for blk in order:
        if kept == top and low[blk] > best_obj[top - 1]:
            break  # every block left is bounded above the worst kept objective
        mi = blk // n_rows
        w = blk - mi * n_rows
        filters = rows[w, W_FILTERS]
        for j in range(spans[mi, 0], spans[mi, 1]):
            if pairs[j, P_RT] > rows[w, W_SETS]:
                break  # r*t only grows
            if pairs[j, P_QRP] * rows[w, W_IF_UNIT] + pairs[j, P_M] * rows[w, W_OF_UNIT] > glb:
                continue
            glb_acc = pairs[j, P_IF_GLB] * rows[w, W_IF_ROWS] + 2 * filters + pairs[j, P_PSUM_GLB]
            dram = (
                pairs[j, P_IF_LOADS] * dram_if[w, pairs[j, P_QI]]
                + filters
                + pairs[j, P_OF_WRITES] * dram_of[w, mi]
            )
            compute = pairs[j, P_COMPUTE] * rows[w, W_STRIPS]
            if chip:
                link = float(-(-dram // vpb)) * ratio
                cycles = max(float(compute), link) if piped else float(compute) + link
            else:
                if_bus = pairs[j, P_IF_BUS] * rows[w, W_IF_ROWS] // rate_if
                busy = pairs[j, P_OVERHEAD] * rows[w, W_BLOCKS]
                busy += max(max(compute, if_bus), pairs[j, P_PSUM_BUS])
                if piped:
                    least = max(busy, link_cycles(dram, vpb, num, den))
                else:
                    least = max(busy, pairs[j, P_FETCH] * rows[w, W_BLOCKS])
                    least += link_cycles(dram - filters, vpb, num, den)
                cycles = float(least)
            rf_f = pairs[j, P_RF_F] * rows[w, W_RF_F]
            rf = rf0 + float(pairs[j, P_RF_IF]) + float(rf_f) + float(pairs[j, P_RF_PSUM])
            inter_e = float(pairs[j, P_INTER]) * inter_j
            on_chip = mac_e + rf * rf_j + inter_e + float(glb_acc) * glb_j
            dram_e = float(dram) * dram_j
            clock_e = power * (cycles / clock_hz)
            if chip:
                obj = dram_e + clock_e + weight * on_chip
                tie = on_chip
            else:
                obj = on_chip + dram_e + clock_e + c_ratio * (on_chip + clock_e)
                tie = cycles
            if kept == top and obj > best_obj[top - 1]:
                continue
            pos = kept
            while pos > 0:  # sort by (objective, tie, block, pair rank): the reference's order
                i = pos - 1
                if obj != best_obj[i]:
                    ahead = obj < best_obj[i]
                elif tie != best_tie[i]:
                    ahead = tie < best_tie[i]
                elif blk != best_blk[i]:
                    ahead = blk < best_blk[i]
                else:
                    ahead = pairs[j, P_RANK] < pairs[best_j[i], P_RANK]
                if not ahead:
                    break
                pos -= 1
            if pos == top:
                continue
            for i in range(min(kept, top - 1), pos, -1):
                best_obj[i] = best_obj[i - 1]
                best_tie[i] = best_tie[i - 1]
                best_blk[i] = best_blk[i - 1]
                best_j[i] = best_j[i - 1]
            best_obj[pos] = obj
            best_tie[pos] = tie
            best_blk[pos] = blk
            best_j[pos] = j
            kept = min(kept + 1, top)
    return kept
