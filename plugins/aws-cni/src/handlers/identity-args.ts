import { type CniArgs } from '@vpc-cni-ts/sdk';

/** The K8S_* keys of parsed CNI_ARGS as a plain map. */
export function identityArgs(args: CniArgs): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of args.values) out[k] = v;
  return out;
}
