import type { Ec2Api } from '@vpc-cni-ts/ipamd/ports';

/**
 * Runs the calls of an `Ec2Api` one at a time in the order they were made, and tells the virtual clock when I/O is
 * still in flight. Used in front of the SDK adapter over HTTP: one call at a time keeps the simulator's admission
 * order (and so throttling) deterministic, and time must not move while a request is on the wire. Every method of
 * the port is wrapped (a Proxy), so methods added to the port later are covered too.
 */
export function serialize(inner: Ec2Api): { api: Ec2Api; inFlight: () => Promise<boolean> } {
  let tail: Promise<unknown> = Promise.resolve();
  let pending = 0;
  const wrapped = new Map<PropertyKey, unknown>();
  const api = new Proxy(inner, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver) as unknown;
      if (typeof v !== 'function') return v;
      let w = wrapped.get(prop);
      if (!w) {
        const fn = v as (...a: unknown[]) => Promise<unknown>;
        w = (...a: unknown[]): Promise<unknown> => {
          pending++;
          const p = tail.then(() => fn.apply(target, a));
          tail = p.then(
            () => void pending--,
            () => void pending--,
          );
          return p;
        };
        wrapped.set(prop, w);
      }
      return w;
    },
  });
  return {
    api,
    inFlight: async () => {
      if (pending === 0) return false;
      await tail;
      return true;
    },
  };
}
