import { type SimulatorCore } from './simulator-core';
import { eniSummary } from './world';
import { Ec2Error } from './ec2-error';

export interface ControlResponse {
  readonly status: number;
  readonly body: unknown;
}

type Json = Record<string, unknown>;

function parseJson(body: string): Json {
  if (!body.trim()) return {};
  const v: unknown = JSON.parse(body);
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('body must be a JSON object');
  return v as Json;
}

const num = (v: unknown, name: string): number => {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new Error(`${name} must be a number >= 0`);
  return v;
};

/**
 * The JSON control API (served under `/_sim` on the EC2 port). Paths:
 *   GET  /state                      the whole world
 *   GET  /calls                      per-action counters; POST /calls/reset (or DELETE /calls) zeroes them
 *   GET  /faults; POST /faults {action, code, count?, message?, httpStatus?}; DELETE /faults
 *   GET  /latency; POST /latency {action, ms}
 *   POST /timing {attachDelayMs?, detachDelayMs?, imdsLagMs?, describeLagMs?}
 *   GET  /buckets; POST /buckets/reset
 *   POST /instances {instanceType?, subnet?, tags?, securityGroups?}; POST /instances/<id>/terminate
 *   GET  /network-interfaces/<id>
 * Bad requests get 400 with {error}.
 */
export async function handleControl(
  method: string,
  path: string,
  body: string,
  core: SimulatorCore,
): Promise<ControlResponse> {
  const { world, controls } = core;
  try {
    const j = method === 'POST' || method === 'PUT' ? parseJson(body) : {};
    const parts = path.split('/').filter(Boolean);
    const route = `${method} /${parts.join('/')}`;
    switch (route) {
      case 'GET /':
      case 'GET /state':
        return { status: 200, body: world.toJSON() };
      case 'GET /calls':
        return { status: 200, body: { calls: controls.callStats() } };
      case 'POST /calls/reset':
      case 'DELETE /calls':
        controls.resetCalls();
        return { status: 200, body: { ok: true } };
      case 'GET /faults':
        return { status: 200, body: { faults: controls.pendingFaults() } };
      case 'POST /faults':
        controls.injectFault({
          action: String(j.action ?? ''),
          code: String(j.code ?? ''),
          count: j.count === undefined ? undefined : num(j.count, 'count'),
          message: j.message === undefined ? undefined : String(j.message),
          httpStatus: j.httpStatus === undefined ? undefined : num(j.httpStatus, 'httpStatus'),
        });
        return { status: 200, body: { faults: controls.pendingFaults() } };
      case 'DELETE /faults':
        controls.clearFaults();
        return { status: 200, body: { ok: true } };
      case 'GET /latency':
        return { status: 200, body: { latency: controls.latencies() } };
      case 'POST /latency':
        if (typeof j.action !== 'string' || !j.action) throw new Error('action is required');
        controls.setLatency(j.action, num(j.ms, 'ms'));
        return { status: 200, body: { latency: controls.latencies() } };
      case 'POST /timing':
        world.setTiming({
          attachDelayMs: j.attachDelayMs === undefined ? undefined : num(j.attachDelayMs, 'attachDelayMs'),
          detachDelayMs: j.detachDelayMs === undefined ? undefined : num(j.detachDelayMs, 'detachDelayMs'),
          imdsLagMs: j.imdsLagMs === undefined ? undefined : num(j.imdsLagMs, 'imdsLagMs'),
          describeLagMs: j.describeLagMs === undefined ? undefined : num(j.describeLagMs, 'describeLagMs'),
        });
        return { status: 200, body: { timing: world.timing } };
      case 'GET /buckets':
        return { status: 200, body: { buckets: controls.bucketLevels(), throttling: controls.throttlingConfig } };
      case 'POST /buckets/reset':
        controls.resetBuckets();
        return { status: 200, body: { ok: true } };
      case 'POST /instances': {
        const info = core.addInstance(
          j.instanceType === undefined ? undefined : String(j.instanceType),
          j.subnet === undefined ? undefined : String(j.subnet),
          {
            tags: (j.tags as Record<string, string> | undefined) ?? undefined,
            securityGroups: Array.isArray(j.securityGroups) ? j.securityGroups.map(String) : undefined,
          },
        );
        return { status: 200, body: info };
      }
    }
    if (method === 'POST' && parts.length === 3 && parts[0] === 'instances' && parts[2] === 'terminate') {
      world.terminateInstance(parts[1]);
      return { status: 200, body: { ok: true } };
    }
    if (method === 'GET' && parts.length === 2 && parts[0] === 'network-interfaces') {
      world.settle();
      return { status: 200, body: eniSummary(world.getEni(parts[1])) };
    }
    return { status: 404, body: { error: `no control route ${route}` } };
  } catch (err) {
    if (err instanceof Ec2Error) return { status: 400, body: { error: err.message, code: err.code } };
    return { status: 400, body: { error: (err as Error).message } };
  }
}
