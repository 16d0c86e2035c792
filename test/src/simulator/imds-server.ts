import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

import { type Clock } from './clock';
import { type ImdsView } from './imds-view';
import { type World } from './world';

const MAX_TTL = 21600;

type Answer = { status: number; body: string; headers?: Record<string, string> };
const notFound: Answer = {
  status: 404,
  body: '<?xml version="1.0" encoding="iso-8859-1"?>\n<title>404 - Not Found</title>',
};
const text = (body: string): Answer => ({ status: 200, body });
const list = (items: readonly string[]): Answer => (items.length ? text(items.join('\n')) : notFound);

const MAC_FIELDS = [
  'device-number',
  'interface-id',
  'ipv4-prefix',
  'ipv6-prefix',
  'ipv6s',
  'local-hostname',
  'local-ipv4s',
  'mac',
  'network-card',
  'owner-id',
  'security-group-ids',
  'security-groups',
  'subnet-id',
  'subnet-ipv4-cidr-block',
  'subnet-ipv6-cidr-blocks',
  'vpc-id',
  'vpc-ipv4-cidr-block',
  'vpc-ipv4-cidr-blocks',
  'vpc-ipv6-cidr-blocks',
];

/** Answers one metadata path (relative to /latest/meta-data/) from a view, as IMDS does (404 where AWS has nothing). */
export function answerMetadata(v: ImdsView, path: string, multiCard: boolean): Answer {
  const p = path.replace(/^\/+/, '');
  switch (p) {
    case '':
      return list([
        'ami-id',
        'instance-id',
        'instance-type',
        'local-hostname',
        'local-ipv4',
        'mac',
        'network/',
        'placement/',
        ...(v.ipv6 ? ['ipv6'] : []),
      ]);
    case 'instance-id':
      return text(v.instanceId);
    case 'instance-type':
      return text(v.instanceType);
    case 'ami-id':
      return text('ami-0000000000000a001');
    case 'local-ipv4':
      return text(v.localIpv4);
    case 'local-hostname':
    case 'hostname':
      return text(`ip-${v.localIpv4.replace(/\./g, '-')}.${v.region}.compute.internal`);
    case 'mac':
      return text(v.primaryMac);
    case 'ipv6':
      return v.ipv6 ? text(v.ipv6) : notFound;
    case 'placement':
    case 'placement/':
      return list(['availability-zone', 'availability-zone-id', 'region']);
    case 'placement/availability-zone':
      return text(v.availabilityZone);
    case 'placement/availability-zone-id':
      return text(v.availabilityZoneId);
    case 'placement/region':
      return text(v.region);
    case 'network':
    case 'network/':
      return list(['interfaces/']);
    case 'network/interfaces':
    case 'network/interfaces/':
      return list(['macs/']);
    case 'network/interfaces/macs':
    case 'network/interfaces/macs/':
      return list([...v.interfaces.keys()].map((m) => `${m}/`));
  }
  const m = /^network\/interfaces\/macs\/([0-9a-f:]{17})(?:\/(.*))?$/.exec(p);
  if (!m) return notFound;
  const ifc = v.interfaces.get(m[1]);
  if (!ifc) return notFound;
  const field = (m[2] ?? '').replace(/\/$/, '');
  switch (field) {
    case '':
      return list(
        MAC_FIELDS.filter((f) => {
          if (f === 'ipv4-prefix') return ifc.ipv4Prefixes.length > 0;
          if (f === 'ipv6-prefix') return ifc.ipv6Prefixes.length > 0;
          if (f === 'ipv6s') return ifc.ipv6s.length > 0;
          if (f === 'subnet-ipv6-cidr-blocks') return ifc.subnetIpv6CidrBlocks.length > 0;
          if (f === 'vpc-ipv6-cidr-blocks') return ifc.vpcIpv6CidrBlocks.length > 0;
          if (f === 'network-card') return multiCard;
          return true;
        }),
      );
    case 'device-number':
      return text(String(ifc.deviceNumber));
    case 'network-card':
      return multiCard ? text(String(ifc.networkCard)) : notFound;
    case 'interface-id':
      return text(ifc.interfaceId);
    case 'mac':
      return text(ifc.mac);
    case 'owner-id':
      return text(ifc.ownerId);
    case 'local-hostname':
      return text(`ip-${ifc.localIpv4s[0].replace(/\./g, '-')}.${v.region}.compute.internal`);
    case 'subnet-id':
      return text(ifc.subnetId);
    case 'vpc-id':
      return text(ifc.vpcId);
    case 'security-group-ids':
      return list(ifc.securityGroupIds);
    case 'security-groups':
      return list(ifc.securityGroupIds);
    case 'local-ipv4s':
      return list(ifc.localIpv4s);
    case 'ipv4-prefix':
      return list(ifc.ipv4Prefixes);
    case 'ipv6s':
      return list(ifc.ipv6s);
    case 'ipv6-prefix':
      return list(ifc.ipv6Prefixes);
    case 'subnet-ipv4-cidr-block':
      return text(ifc.subnetIpv4CidrBlock);
    case 'subnet-ipv6-cidr-blocks':
      return list(ifc.subnetIpv6CidrBlocks);
    case 'vpc-ipv4-cidr-block':
      return text(ifc.vpcIpv4CidrBlocks[0] ?? '');
    case 'vpc-ipv4-cidr-blocks':
      return list(ifc.vpcIpv4CidrBlocks);
    case 'vpc-ipv6-cidr-blocks':
      return list(ifc.vpcIpv6CidrBlocks);
  }
  return notFound;
}

/**
 * IMDSv2 over HTTP. `PUT /latest/api/token` (header X-aws-ec2-metadata-token-ttl-seconds, 1..21600) issues a
 * token; every GET needs a live one in X-aws-ec2-metadata-token (401 otherwise). `/latest/meta-data/...` answers
 * for `defaultInstance()`; `/<instance-id>/latest/...` for any instance (one server, many simulated nodes).
 * Views trail EC2 by the world's IMDS lag.
 */
export class ImdsService {
  private readonly tokens = new Map<string, number>();

  constructor(
    private readonly world: World,
    private readonly clock: Clock,
    private readonly defaultInstance: () => string | undefined,
  ) {}

  /** Answers one request (method, raw path, lower-case headers). */
  answer(
    method: string,
    rawPath: string,
    headers: Record<string, string | string[] | undefined>,
    fixedInstance?: string,
  ): Answer {
    let path = rawPath.split('?')[0].replace(/\/{2,}/g, '/');
    let instanceId = fixedInstance;
    const pm = /^\/(i-[0-9a-f]+)(\/.*)$/.exec(path);
    if (pm) {
      instanceId = pm[1];
      path = pm[2];
    }
    instanceId ??= this.defaultInstance();
    if (path === '/latest/api/token') {
      if (method !== 'PUT') return { status: 405, body: 'Method Not Allowed' };
      if (headers['x-forwarded-for'] !== undefined) return { status: 403, body: 'Forbidden' };
      const ttlRaw = headers['x-aws-ec2-metadata-token-ttl-seconds'];
      const ttl = typeof ttlRaw === 'string' && /^\d+$/.test(ttlRaw) ? Number(ttlRaw) : NaN;
      if (!(ttl >= 1 && ttl <= MAX_TTL)) return { status: 400, body: 'Bad Request' };
      const token = randomBytes(24).toString('base64');
      this.tokens.set(token, this.clock.now() + ttl * 1000);
      return { status: 200, body: token, headers: { 'X-aws-ec2-metadata-token-ttl-seconds': String(ttl) } };
    }
    if (method !== 'GET' && method !== 'HEAD') return { status: 405, body: 'Method Not Allowed' };
    const token = headers['x-aws-ec2-metadata-token'];
    const exp = typeof token === 'string' ? this.tokens.get(token) : undefined;
    if (exp === undefined || exp <= this.clock.now()) {
      if (exp !== undefined) this.tokens.delete(token as string);
      return { status: 401, body: 'Unauthorized' };
    }
    if (!instanceId) return notFound;
    const view = this.world.imdsViewNow(instanceId);
    if (!view || view.terminated) return notFound;
    if (path === '/latest/dynamic/instance-identity/document') {
      return text(
        JSON.stringify(
          {
            accountId: view.accountId,
            architecture: 'x86_64',
            availabilityZone: view.availabilityZone,
            imageId: 'ami-0000000000000a001',
            instanceId: view.instanceId,
            instanceType: view.instanceType,
            privateIp: view.localIpv4,
            region: view.region,
            version: '2017-09-30',
          },
          null,
          2,
        ),
      );
    }
    if (path === '/latest' || path === '/latest/') return list(['dynamic', 'meta-data']);
    if (!path.startsWith('/latest/meta-data')) return notFound;
    const inst = this.world.instances.get(instanceId);
    const multiCard = !!inst && inst.limits.networkCards.length > 1;
    return answerMetadata(view, path.slice('/latest/meta-data'.length), multiCard);
  }

  /** An HTTP server answering for the default instance (or `fixedInstance`), and for `/<instance-id>/...` paths. */
  createServer(fixedInstance?: string): Server {
    return createServer((req: IncomingMessage, res: ServerResponse) => {
      req.resume();
      req.on('end', () => {
        let a: Answer;
        try {
          a = this.answer(req.method ?? 'GET', req.url ?? '/', req.headers, fixedInstance);
        } catch (err) {
          a = { status: 500, body: `Internal Server Error: ${(err as Error).message}` };
        }
        res.writeHead(a.status, {
          'Content-Type': 'text/plain',
          'Content-Length': Buffer.byteLength(a.body),
          Server: 'EC2ws',
        });
        res.end(req.method === 'HEAD' ? undefined : a.body);
      });
    });
  }
}
