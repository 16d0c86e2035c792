import type { IVolume } from 'kubernetes-models/v1/Volume';
import type { IVolumeMount } from 'kubernetes-models/v1/VolumeMount';

/** A host directory or file the DaemonSet mounts, and where each container sees it. */
export interface HostMount {
  readonly name: string;
  readonly hostPath: string;
  readonly type?: 'DirectoryOrCreate' | 'FileOrCreate' | 'Directory';
  readonly mountPath: string;
  /** Containers that mount it. */
  readonly init: boolean;
  readonly node: boolean;
  readonly purpose: string;
}

/** The host paths upstream's aws-node mounts (minus the network policy agent's). */
export const HOST_MOUNTS: readonly HostMount[] = Object.freeze([
  {
    name: 'cni-bin-dir',
    hostPath: '/opt/cni/bin',
    mountPath: '/host/opt/cni/bin',
    init: true,
    node: true,
    purpose: 'plugin executables are installed here',
  },
  {
    name: 'cni-net-dir',
    hostPath: '/etc/cni/net.d',
    mountPath: '/host/etc/cni/net.d',
    init: false,
    node: true,
    purpose: '10-aws.conflist is written here once ipamd is healthy',
  },
  {
    name: 'log-dir',
    hostPath: '/var/log/aws-routed-eni',
    type: 'DirectoryOrCreate',
    mountPath: '/host/var/log/aws-routed-eni',
    init: false,
    node: true,
    purpose: 'ipamd.log (plugins log on the host directly)',
  },
  {
    name: 'run-dir',
    hostPath: '/var/run/aws-node',
    type: 'DirectoryOrCreate',
    mountPath: '/var/run/aws-node',
    init: false,
    node: true,
    purpose: 'ipamd.sock and the ipam.json checkpoint',
  },
  {
    name: 'xtables-lock',
    hostPath: '/run/xtables.lock',
    type: 'FileOrCreate',
    mountPath: '/run/xtables.lock',
    init: false,
    node: true,
    purpose: 'iptables lock shared with kube-proxy',
  },
] satisfies HostMount[]);

/** Pod volumes for {@link HOST_MOUNTS}. */
export function hostVolumes(): IVolume[] {
  return HOST_MOUNTS.map((m) => ({
    name: m.name,
    hostPath: m.type ? { path: m.hostPath, type: m.type } : { path: m.hostPath },
  }));
}

/** Volume mounts of one container. */
export function mountsFor(container: 'init' | 'node'): IVolumeMount[] {
  return HOST_MOUNTS.filter((m) => m[container]).map((m) => ({ name: m.name, mountPath: m.mountPath }));
}
