import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

import { handleControl } from './control-api';
import { type Controls } from './controls';
import { ACTIONS, actionClass } from './ec2-actions';
import { Ec2Error } from './ec2-error';
import { readBody } from './http-util';
import { QueryParams } from './query-params';
import { type SimulatorCore } from './simulator-core';
import { errorXml, successXml } from './xml';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function send(
  res: ServerResponse,
  status: number,
  body: string,
  type = 'text/xml;charset=UTF-8',
  requestId?: string,
): void {
  const headers: Record<string, string | number> = {
    'Content-Type': type,
    'Content-Length': Buffer.byteLength(body),
    Server: 'AmazonEC2',
  };
  if (requestId) headers['x-amzn-RequestId'] = requestId;
  res.writeHead(status, headers);
  res.end(body);
}

/**
 * Answers one EC2 Query request body: the XML body and HTTP status, as EC2 would. Never throws: anything that is
 * not an Ec2Error becomes InternalError (500).
 */
export async function handleEc2(
  body: string,
  core: SimulatorCore,
): Promise<{ status: number; xml: string; requestId: string }> {
  const requestId = randomUUID();
  const r = await answerEc2(body, core, requestId);
  return { ...r, requestId };
}

async function answerEc2(
  body: string,
  core: SimulatorCore,
  requestId: string,
): Promise<{ status: number; xml: string }> {
  const controls: Controls = core.controls;
  let p: QueryParams;
  try {
    p = new QueryParams(body);
  } catch {
    return {
      status: 400,
      xml: errorXml('MalformedQueryString', 'The request body is not a valid query string', requestId),
    };
  }
  const action = p.action;
  if (!action)
    return { status: 400, xml: errorXml('MissingAction', 'The request must contain the parameter Action', requestId) };
  const handler = Object.prototype.hasOwnProperty.call(ACTIONS, action) ? ACTIONS[action] : undefined;
  const latency = controls.latencyFor(action);
  if (latency > 0) await sleep(latency);
  try {
    controls.admit(action, handler ? actionClass(action, p) : 'mutating');
  } catch (err) {
    const e = err as Ec2Error;
    return { status: e.status, xml: errorXml(e.code, e.message, requestId) };
  }
  if (!handler) {
    controls.finished(action, false);
    return {
      status: 400,
      xml: errorXml('InvalidAction', `The action ${action} is not valid for this web service.`, requestId),
    };
  }
  try {
    if (p.bool('DryRun')) {
      throw new Ec2Error('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.', 412);
    }
    core.world.settle();
    const out = handler(p, core.world);
    controls.finished(action, true);
    return { status: 200, xml: successXml(action, requestId, out) };
  } catch (err) {
    controls.finished(action, false);
    if (err instanceof Ec2Error) return { status: err.status, xml: errorXml(err.code, err.message, requestId) };
    return { status: 500, xml: errorXml('InternalError', `simulator bug: ${(err as Error).message}`, requestId) };
  }
}

async function onRequest(req: IncomingMessage, res: ServerResponse, core: SimulatorCore): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://sim');
  if (url.pathname.startsWith('/_sim/') || url.pathname === '/_sim') {
    const body = req.method === 'GET' || req.method === 'HEAD' ? '' : await readBody(req);
    const r = await handleControl(req.method ?? 'GET', url.pathname.slice('/_sim'.length) || '/', body, core);
    send(res, r.status, JSON.stringify(r.body, null, 1) + '\n', 'application/json');
    return;
  }
  let body: string;
  if (req.method === 'POST') body = await readBody(req);
  else if (req.method === 'GET') body = url.search.slice(1);
  else {
    send(res, 405, errorXml('InvalidHttpRequest', `Method ${req.method} is not supported`, randomUUID()));
    return;
  }
  const r = await handleEc2(body, core);
  send(res, r.status, r.xml, undefined, r.requestId);
}

/** The HTTP server speaking the EC2 Query protocol (POST form bodies) plus the JSON control API under /_sim/. */
export function createEc2Server(core: SimulatorCore): Server {
  const server = createServer((req, res) => {
    onRequest(req, res, core).catch((err: unknown) => {
      if (!res.headersSent)
        send(res, 500, errorXml('InternalError', String((err as Error)?.message ?? err), randomUUID()));
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 60_000;
  return server;
}
