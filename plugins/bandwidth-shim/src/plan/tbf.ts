// SPDX-License-Identifier: Apache-2.0
/** Microseconds per second, the kernel's TIME_UNITS_PER_SEC. */
export const TIME_UNITS_PER_SEC = 1_000_000;
/** The reference plugin's TBF latency. */
export const LATENCY_MS = 25;
/** Scheduler ticks per microsecond on every kernel with /proc/net/psched "000003e8 00000040 000f4240 …". */
export const DEFAULT_TICKS_PER_USEC = 1000 / 64;
const MAX_UINT32 = 0xffffffff;

/** Go's uint32(float64) for values in range: truncation toward zero. */
const u32 = (x: number): number => Math.trunc(x);

/** TBF parameters in the units the kernel and `tc` use. */
export interface TbfParams {
  /** Bytes per second (`rate <n>bps`). */
  readonly rateBytes: number;
  /** Bucket size in bytes (`burst <n>`), after clamping (see {@link TbfParams.clamped}). */
  readonly burstBytes: number;
  /** Bucket size in scheduler ticks, as the kernel stores it. */
  readonly bufferTicks: number;
  /**
   * The `burst` to hand `tc`. tc sends the bucket in bytes (TCA_TBF_BURST) and the kernel converts it to time
   * exactly, while the reference sends truncated ticks; this is the byte count whose exact time lands on the
   * reference's tick count, so both kernels hold the same bucket (equal to burstBytes whenever the math is exact).
   */
  readonly tcBurstBytes: number;
  /** Queue limit in bytes (`limit <n>`): rate × 25 ms + burst. */
  readonly limitBytes: number;
  /**
   * True when the requested burst would overflow the kernel's 32-bit tick counter at this rate (containerd's
   * default burst of 4294967295 bits does below ~15.6 Mbit/s). The reference wraps the value around, giving an
   * arbitrary bucket; we clamp the burst to the largest one the kernel can hold.
   */
  readonly clamped: boolean;
}

/**
 * Computes TBF parameters exactly like the reference bandwidth plugin (`createTBF`: rate/8, burst/8,
 * buffer = ticks(burst / rate), limit = rate × latency + burst), with 25 ms latency.
 * Preconditions (checked by config validation): rateBits >= 8, 0 < burstBits, burstBits/8 < 2^32-1.
 */
export function tbfParams(rateBits: number, burstBits: number, ticksPerUsec = DEFAULT_TICKS_PER_USEC): TbfParams {
  const rateBytes = Math.floor(rateBits / 8);
  let burstBytes = Math.floor(burstBits / 8);
  let clamped = false;
  const timeFor = (b: number): number => u32((b * TIME_UNITS_PER_SEC) / rateBytes);
  let bufferTicks = u32(timeFor(burstBytes) * ticksPerUsec);
  if (bufferTicks > MAX_UINT32 || timeFor(burstBytes) > MAX_UINT32) {
    const maxTime = Math.floor(MAX_UINT32 / ticksPerUsec);
    burstBytes = Math.floor((maxTime * rateBytes) / TIME_UNITS_PER_SEC);
    while (u32(timeFor(burstBytes) * ticksPerUsec) > MAX_UINT32) burstBytes--;
    bufferTicks = u32(timeFor(burstBytes) * ticksPerUsec);
    clamped = true;
  }
  const latencyUsec = TIME_UNITS_PER_SEC * (LATENCY_MS / 1000);
  const limitBytes = Math.min(MAX_UINT32, u32((rateBytes * latencyUsec) / TIME_UNITS_PER_SEC) + burstBytes);
  // ns per tick is 1000 / ticksPerUsec (64 on every current kernel); ceil(ns × rate / 1e9) in exact integers.
  const nsPerTickTimes1000 = BigInt(Math.round((1000 * 1000) / ticksPerUsec));
  const num = BigInt(bufferTicks) * nsPerTickTimes1000 * BigInt(rateBytes);
  const den = 1_000_000_000_000n;
  const tcBurstBytes = Number((num + den - 1n) / den);
  return { rateBytes, burstBytes, tcBurstBytes, bufferTicks, limitBytes, clamped };
}

/** Reads ticks per microsecond from /proc/net/psched text the way vishvananda/netlink does (`initClock`). */
export function ticksPerUsecFromPsched(text: string): number {
  const v = text
    .trim()
    .split(/\s+/)
    .map((h) => parseInt(h, 16));
  if (v.length < 4 || v.some((n) => !Number.isFinite(n)) || v[1] === 0) return DEFAULT_TICKS_PER_USEC;
  let [t2us] = v;
  const [, us2t, clockRes] = v;
  if (clockRes === 1_000_000_000) t2us = us2t;
  return (t2us / us2t) * (clockRes / TIME_UNITS_PER_SEC);
}
