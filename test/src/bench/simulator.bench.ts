/**
 * AWS simulator throughput, so it never becomes the bottleneck of a scale simulation: calls through the real
 * @aws-sdk/client-ec2 at concurrency 1 and 32 (DescribeNetworkInterfaces by id, AssignPrivateIpAddresses), beside
 * the same SDK calls answered by a static HTTP server replaying a canned response (the transport + SDK floor).
 * Also the in-process cost of one request (parse, act, render XML) without HTTP.
 */
import { createServer } from 'node:http';
import { type AddressInfo } from 'node:net';

import {
  AssignPrivateIpAddressesCommand,
  DescribeNetworkInterfacesCommand,
  type EC2Client,
  UnassignPrivateIpAddressesCommand,
} from '@aws-sdk/client-ec2';

import { handleEc2 } from '../simulator/ec2-server';
import { ec2ClientFor } from '../simulator/sdk-clients';
import { startSimulator } from '../simulator/simulator';
import { stats } from './stats';
import { type BenchRow, type BenchSuite, type Stats } from './suite';

const CALLS = 1500;

interface Run {
  readonly latencies: number[];
  readonly perSecond: number;
}

/** `calls` calls spread over `concurrency` workers; per-call latency and overall calls/s. */
async function drive(concurrency: number, calls: number, call: (worker: number) => Promise<unknown>): Promise<Run> {
  for (let i = 0; i < Math.min(50, calls); i++) await call(i % concurrency); // warm-up
  const latencies: number[] = [];
  let next = 0;
  const t0 = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, w) => {
      while (next++ < calls) {
        const s = process.hrtime.bigint();
        await call(w);
        latencies.push(Number(process.hrtime.bigint() - s) / 1e6);
      }
    }),
  );
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  return { latencies, perSecond: calls / secs };
}

function row(name: string, ours: Run, ref?: Run): BenchRow {
  const refStats: (Stats & { label: string }) | undefined = ref
    ? { ...stats(ref.latencies), label: 'static server, same SDK' }
    : undefined;
  return {
    name,
    ours: stats(ours.latencies),
    reference: refStats,
    unit: 'ms/call',
    note: `throughput ${ours.perSecond.toFixed(0)} calls/s${ref ? ` (static server ${ref.perSecond.toFixed(0)} calls/s, ratio ${(ours.perSecond / ref.perSecond).toFixed(2)}x)` : ''}`,
  };
}

/** A server answering every request with one canned EC2 response. */
async function cannedServer(body: string): Promise<{ endpoint: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'Content-Type': 'text/xml;charset=UTF-8', 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}

export const suite: BenchSuite = {
  name: 'simulator: EC2 calls per second through @aws-sdk/client-ec2',
  async run() {
    const sim = await startSimulator({
      throttling: false,
      timing: { attachDelayMs: 0, detachDelayMs: 0, imdsLagMs: 0 },
      limits: { 'sim.bench': { eniLimit: 40, ipv4Limit: 50 } },
      instances: [{ instanceType: 'sim.bench', subnet: 'pods-a' }],
    });
    const ec2: EC2Client = ec2ClientFor(sim, { maxAttempts: 1 });
    const rows: BenchRow[] = [];
    try {
      const primary = sim.state.instances.get(sim.instanceId)!.primaryEniId;
      const subnetId = sim.state.resolveSubnet('pods-a')!.subnetId;
      // 32 ENIs, one per worker, each with some addresses so the described document has realistic size
      const enis: string[] = [];
      for (let i = 0; i < 32; i++) {
        const e = sim.state.createNetworkInterface({ subnetId, secondaryPrivateIpAddressCount: 8 });
        enis.push(e.networkInterfaceId);
      }
      sim.state.assignPrivateIpAddresses(primary, { count: 8 });
      const describeBody = (
        await handleEc2(`Action=DescribeNetworkInterfaces&Version=2016-11-15&NetworkInterfaceId.1=${primary}`, sim)
      ).xml;
      const canned = await cannedServer(describeBody);
      const refClient = ec2ClientFor({ ec2Endpoint: canned.endpoint, region: sim.region }, { maxAttempts: 1 });
      try {
        const describe = (c: EC2Client) => (w: number) =>
          c.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [enis[w]] }));
        for (const conc of [1, 32]) {
          const ours = await drive(conc, CALLS, describe(ec2));
          const ref = await drive(conc, CALLS, describe(refClient));
          rows.push(row(`DescribeNetworkInterfaces (1 id), concurrency ${conc}`, ours, ref));
        }
        for (const conc of [1, 32]) {
          const unassign: number[] = [];
          const ours = await drive(conc, CALLS, async (w) => {
            const r = await ec2.send(
              new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: enis[w], SecondaryPrivateIpAddressCount: 1 }),
            );
            const s = process.hrtime.bigint();
            await ec2.send(
              new UnassignPrivateIpAddressesCommand({
                NetworkInterfaceId: enis[w],
                PrivateIpAddresses: [r.AssignedPrivateIpAddresses![0].PrivateIpAddress!],
              }),
            );
            unassign.push(Number(process.hrtime.bigint() - s) / 1e6);
          });
          rows.push({
            ...row(`AssignPrivateIpAddresses + UnassignPrivateIpAddresses pair, concurrency ${conc}`, ours),
            note: `${(ours.perSecond * 2).toFixed(0)} calls/s (pairs ${ours.perSecond.toFixed(0)}/s); unassign alone p50 ${stats(unassign).p50.toFixed(2)} ms`,
          });
        }
      } finally {
        refClient.destroy();
        await canned.close();
      }
      // in-process: no HTTP, no SDK
      const body = `Action=DescribeNetworkInterfaces&Version=2016-11-15&Filter.1.Name=subnet-id&Filter.1.Value.1=${subnetId}&MaxResults=5`;
      const inproc = await drive(1, 5000, () => handleEc2(body, sim));
      rows.push({
        ...row('in-process handleEc2 (filtered describe, 5 results of 33)', inproc),
        note: `${inproc.perSecond.toFixed(0)} requests/s without HTTP or SDK`,
      });
    } finally {
      ec2.destroy();
      await sim.stop();
    }
    return rows;
  },
};
