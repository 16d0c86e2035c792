import type { Ec2Api } from '@vpc-cni-ts/ipamd/ports';

/**
 * Runs the calls of an `Ec2Api` one at a time in the order they were made, and tells the virtual clock when I/O is
 * still in flight. Used in front of the SDK adapter over HTTP: one call at a time keeps the simulator's admission
 * order (and so throttling) deterministic, and time must not move while a request is on the wire.
 */
export function serialize(inner: Ec2Api): { api: Ec2Api; inFlight: () => Promise<boolean> } {
  let tail: Promise<unknown> = Promise.resolve();
  let pending = 0;
  const wrap = <A extends unknown[], T>(fn: (...a: A) => Promise<T>) =>
    (...a: A): Promise<T> => {
      pending++;
      const p = tail.then(() => fn.apply(inner, a));
      tail = p.then(
        () => (pending--, undefined),
        () => (pending--, undefined),
      );
      return p;
    };
  const api: Ec2Api = {
    describeNetworkInterfaces: wrap(inner.describeNetworkInterfaces),
    describeAvailableTaggedEnis: wrap(inner.describeAvailableTaggedEnis),
    describeSubnet: wrap(inner.describeSubnet),
    createNetworkInterface: wrap(inner.createNetworkInterface),
    attachNetworkInterface: wrap(inner.attachNetworkInterface),
    setDeleteOnTermination: wrap(inner.setDeleteOnTermination),
    detachNetworkInterface: wrap(inner.detachNetworkInterface),
    deleteNetworkInterface: wrap(inner.deleteNetworkInterface),
    assignPrivateIpAddresses: wrap(inner.assignPrivateIpAddresses),
    unassignPrivateIpAddresses: wrap(inner.unassignPrivateIpAddresses),
    createTags: wrap(inner.createTags),
    describeInstanceType: wrap(inner.describeInstanceType),
  };
  return {
    api,
    inFlight: async () => {
      if (pending === 0) return false;
      await tail;
      return true;
    },
  };
}
