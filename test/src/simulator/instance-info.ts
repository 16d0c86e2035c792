/** A simulated instance as the in-process API returns it. */
export interface InstanceInfo {
  readonly instanceId: string;
  readonly instanceType: string;
  readonly subnetId: string;
  readonly availabilityZone: string;
  readonly primaryEniId: string;
  readonly primaryIp: string;
  readonly mac: string;
  /** IMDS endpoint showing this instance (path prefix `/<instanceId>` on the shared IMDS server). */
  readonly imdsEndpoint: string;
}
