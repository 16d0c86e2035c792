export { startSimulator, Simulator, type SimulatorOptions } from './simulator';
export {
  type Scenario,
  type ResolvedScenario,
  type VpcSpec,
  type SubnetSpec,
  type InstanceSpec,
  type LimitsOverride,
  type ThrottlingSpec,
  type TimingSpec,
  ScenarioError,
  resolveScenario,
  loadScenarioFile,
  DEFAULT_THROTTLING,
  DEFAULT_TIMING,
  DEFAULT_SECURITY_GROUP,
} from './scenario';
export { type Clock, ManualClock, systemClock } from './clock';
export { type FaultSpec, type CallStats } from './controls';
export { type InstanceInfo } from './instance-info';
export { World, type WorldListener, eniSummary } from './world';
export { type Eni, type Instance, type Subnet, type Vpc } from './model';
export { type BucketConfig, TokenBucket } from './token-bucket';
export { SubnetPool } from './subnet-pool';
export { ec2ClientFor, imdsClientFor, SIM_CREDENTIALS } from './sdk-clients';
export { handleEc2 } from './ec2-server';
export { ImdsService } from './imds-server';
export { type ImdsView, type ImdsInterface } from './imds-view';
export { NodeFabric, type NodeFabricOptions, nodeLinkName, vpcLinkName } from './node-fabric';
