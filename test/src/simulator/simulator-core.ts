import { type Controls } from './controls';
import { type InstanceInfo } from './instance-info';
import { type World } from './world';

/** What the HTTP front ends need from a running simulator. */
export interface SimulatorCore {
  readonly world: World;
  readonly controls: Controls;
  /** Launches an instance (control API `POST /_sim/instances`). */
  addInstance(
    instanceType?: string,
    subnet?: string,
    opts?: { tags?: Record<string, string>; securityGroups?: string[] },
  ): InstanceInfo;
  imdsEndpointFor(instanceId: string): string;
}
