import { type Server } from 'node:http';

import { type Clock, systemClock } from './clock';
import { Controls, type CallStats, type FaultSpec } from './controls';
import { createEc2Server } from './ec2-server';
import { closeServer, listen, urlHost } from './http-util';
import { ImdsService } from './imds-server';
import { type InstanceInfo } from './instance-info';
import { formatIpv4 } from './ipv4';
import { NodeFabric, type NodeFabricOptions } from './node-fabric';
import { type ResolvedScenario, resolveScenario, type Scenario, type ThrottlingSpec } from './scenario';
import { type SimulatorCore } from './simulator-core';
import { World } from './world';

export interface SimulatorOptions {
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** 0 (default) picks a free port. */
  readonly ec2Port?: number;
  readonly imdsPort?: number;
  /** Time source for buckets, attachment delays, IMDS lag and token expiry (default: wall clock). */
  readonly clock?: Clock;
}

/**
 * A running simulated AWS account: an EC2 Query endpoint (plus the JSON control API under `/_sim/`) and an IMDSv2
 * endpoint, over one in-memory world. Create with `startSimulator`; always `stop()`.
 */
export class Simulator implements SimulatorCore {
  readonly world: World;
  readonly controls: Controls;
  readonly imds: ImdsService;
  readonly scenario: ResolvedScenario;
  readonly clock: Clock;
  private readonly host: string;
  private ec2Server?: Server;
  private imdsServer?: Server;
  private readonly extraImds = new Map<string, { server: Server; endpoint: string }>();
  private ec2Port = 0;
  private readonly fabrics = new Set<NodeFabric>();
  private ticker?: NodeJS.Timeout;
  private imdsPort = 0;

  constructor(scenario: Scenario | ResolvedScenario = {}, opts: SimulatorOptions = {}) {
    this.scenario = isResolved(scenario) ? scenario : resolveScenario(scenario);
    this.clock = opts.clock ?? systemClock;
    this.host = opts.host ?? '127.0.0.1';
    this.world = new World(this.scenario, this.clock);
    this.controls = new Controls(this.scenario, this.clock);
    this.imds = new ImdsService(this.world, this.clock, () => this.instanceId || undefined);
  }

  /** Binds the EC2 and IMDS servers. */
  async listen(ec2Port = 0, imdsPort = 0): Promise<this> {
    this.ec2Server = createEc2Server(this);
    this.imdsServer = this.imds.createServer();
    this.ec2Port = await listen(this.ec2Server, this.host, ec2Port);
    this.imdsPort = await listen(this.imdsServer, this.host, imdsPort);
    return this;
  }

  /** `http://host:port` for `new EC2Client({ endpoint })`. */
  get ec2Endpoint(): string {
    return `http://${urlHost(this.host)}:${this.ec2Port}`;
  }

  /** `http://host:port` of IMDS (answers for the default instance). */
  get imdsEndpoint(): string {
    return `http://${urlHost(this.host)}:${this.imdsPort}`;
  }

  /** `<ec2Endpoint>/_sim`: the JSON control API. */
  get controlEndpoint(): string {
    return `${this.ec2Endpoint}/_sim`;
  }

  get region(): string {
    return this.world.region;
  }

  /** The default instance: the scenario's first ('' when the scenario has none). */
  get instanceId(): string {
    return this.world.instances.keys().next().value ?? '';
  }

  /** The live world (VPCs, subnets, instances, ENIs); `state.toJSON()` for a plain snapshot. */
  get state(): World {
    return this.world;
  }

  /** IMDS endpoint for one instance: `<imdsEndpoint>/<instanceId>` (the SDK appends /latest/...). */
  imdsEndpointFor(instanceId: string): string {
    return `${this.imdsEndpoint}/${instanceId}`;
  }

  /** Starts an IMDS server of its own for an instance (for clients that cannot take a path prefix). */
  async startImdsFor(instanceId: string, port = 0): Promise<string> {
    this.world.getInstance(instanceId);
    const existing = this.extraImds.get(instanceId);
    if (existing) return existing.endpoint;
    const server = this.imds.createServer(instanceId);
    const p = await listen(server, this.host, port);
    const endpoint = `http://${urlHost(this.host)}:${p}`;
    this.extraImds.set(instanceId, { server, endpoint });
    return endpoint;
  }

  /** Launches another instance (own primary ENI, own IMDS view), sharing the account's buckets. */
  addInstance(
    instanceType?: string,
    subnet?: string,
    opts: { tags?: Record<string, string>; securityGroups?: string[] } = {},
  ): InstanceInfo {
    const inst = this.world.addInstance({ instanceType, subnet, tags: opts.tags, securityGroups: opts.securityGroups });
    return this.instanceInfo(inst.instanceId);
  }

  instanceInfo(instanceId: string): InstanceInfo {
    const inst = this.world.getInstance(instanceId);
    const eni = this.world.enis.get(inst.primaryEniId);
    return {
      instanceId,
      instanceType: inst.instanceType,
      subnetId: inst.subnetId,
      availabilityZone: inst.availabilityZone,
      primaryEniId: inst.primaryEniId,
      primaryIp: eni ? formatIpv4(eni.primaryIp) : '',
      mac: eni?.macAddress ?? '',
      imdsEndpoint: this.imdsEndpointFor(instanceId),
    };
  }

  terminateInstance(instanceId: string): void {
    this.world.terminateInstance(instanceId);
  }

  /** Calls received per action (every outcome). */
  calls(): Record<string, number> {
    return this.controls.calls();
  }

  callStats(): Record<string, CallStats> {
    return this.controls.callStats();
  }

  resetCalls(): void {
    this.controls.resetCalls();
  }

  /** Fails the next `count` calls of `action` with `code`. */
  injectFault(f: FaultSpec): void {
    this.controls.injectFault(f);
  }

  clearFaults(): void {
    this.controls.clearFaults();
  }

  /** Adds latency to an action (`*` = all), or to several with a map; 0 removes it. */
  setLatency(action: string | Record<string, number>, ms = 0): void {
    if (typeof action === 'string') this.controls.setLatency(action, ms);
    else for (const [a, v] of Object.entries(action)) this.controls.setLatency(a, v);
  }

  setTiming(t: { attachDelayMs?: number; detachDelayMs?: number; imdsLagMs?: number; describeLagMs?: number }): void {
    this.world.setTiming(t);
  }

  /** Replaces the buckets (false = no throttling); they start full. */
  setThrottling(t: ThrottlingSpec | false): void {
    if (t === false) this.controls.setThrottling(false);
    else this.controls.setThrottling(resolveScenario({ throttling: t, instances: [] }).throttling);
  }

  /**
   * Makes the instance's attached ENIs real links in `nodeNetns` (root only; see NodeFabric). With the wall clock,
   * a ticker completes attach/detach transitions on time even when no API call comes in.
   */
  async enableNodeFabric(opts: Omit<NodeFabricOptions, 'instanceId'> & { instanceId?: string }): Promise<NodeFabric> {
    const fabric = await NodeFabric.start(this.world, { ...opts, instanceId: opts.instanceId ?? this.instanceId });
    this.fabrics.add(fabric);
    if (this.clock === systemClock && !this.ticker) {
      this.ticker = setInterval(() => this.world.settle(), 20);
      this.ticker.unref();
    }
    return fabric;
  }

  async stop(): Promise<void> {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = undefined;
    for (const f of this.fabrics) await f.close();
    this.fabrics.clear();
    const servers = [this.ec2Server, this.imdsServer, ...[...this.extraImds.values()].map((x) => x.server)];
    this.extraImds.clear();
    await Promise.all(servers.filter((s): s is Server => !!s && s.listening).map(closeServer));
  }
}

function isResolved(s: Scenario | ResolvedScenario): s is ResolvedScenario {
  return (s as ResolvedScenario).resolved === true;
}

/**
 * Starts a simulator for a (partial) scenario. Defaults: one VPC 10.99.0.0/16 with three subnets (two in zone a,
 * one in b), one m5.large with its primary ENI, EC2's default throttling buckets, 50 ms attach/detach, 100 ms IMDS
 * lag. Throws ScenarioError for an invalid scenario.
 */
export async function startSimulator(scenario: Scenario = {}, opts: SimulatorOptions = {}): Promise<Simulator> {
  const sim = new Simulator(scenario, opts);
  return sim.listen(opts.ec2Port ?? 0, opts.imdsPort ?? 0);
}
