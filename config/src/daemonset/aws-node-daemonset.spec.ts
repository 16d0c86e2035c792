import type { IDaemonSet } from 'kubernetes-models/apps/v1/DaemonSet';
import type { IContainer } from 'kubernetes-models/v1/Container';
import { renderManifests, type RenderOptions } from '../render/render-manifests';

const daemonSet = (opts: RenderOptions = {}) =>
  renderManifests(opts).objects.find((o) => o.kind === 'DaemonSet') as IDaemonSet;
const pod = (opts?: RenderOptions) => daemonSet(opts).spec!.template.spec!;
const main = (opts?: RenderOptions) => pod(opts).containers[0];
const init = (opts?: RenderOptions) => pod(opts).initContainers![0];
const envMap = (c: IContainer) => Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value ?? e.valueFrom]));

describe('aws-node DaemonSet', () => {
  it('has upstream-compatible identity, scheduling and rollout', () => {
    const ds = daemonSet();
    expect(ds.metadata).toMatchObject({ name: 'aws-node', namespace: 'kube-system' });
    expect(ds.spec?.selector).toEqual({ matchLabels: { 'k8s-app': 'aws-node' } });
    expect(ds.spec?.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '10%' } });
    const p = pod();
    expect(p).toMatchObject({
      hostNetwork: true,
      priorityClassName: 'system-node-critical',
      serviceAccountName: 'aws-node',
      terminationGracePeriodSeconds: 10,
      tolerations: [{ operator: 'Exists' }],
    });
    expect(ds.spec?.template.metadata?.labels).toMatchObject({ 'k8s-app': 'aws-node' });
  });

  it('runs the entrypoint and the init step from the image', () => {
    expect(main()).toMatchObject({ name: 'aws-node', command: ['/app/aws-vpc-cni'], workingDir: '/app' });
    expect(init()).toMatchObject({
      name: 'aws-vpc-cni-init',
      command: ['/init/aws-vpc-cni-init'],
      workingDir: '/init',
      securityContext: { privileged: true },
    });
    expect(main().securityContext).toEqual({ capabilities: { add: ['NET_ADMIN', 'NET_RAW'] } });
    expect(main().resources).toEqual({ requests: { cpu: '25m' } });
    expect(init().resources).toEqual({ requests: { cpu: '25m' } });
  });

  it('probes liveness and readiness through the gRPC health check on the ipamd socket', () => {
    const command = [
      '/app/grpc-health-probe',
      '-addr=unix:///var/run/aws-node/ipamd.sock',
      '-connect-timeout=5s',
      '-rpc-timeout=5s',
    ];
    expect(main().livenessProbe).toEqual({
      exec: { command },
      initialDelaySeconds: 60,
      timeoutSeconds: 10,
      periodSeconds: 10,
    });
    expect(main().readinessProbe).toEqual({
      exec: { command },
      initialDelaySeconds: 1,
      timeoutSeconds: 10,
      periodSeconds: 10,
    });
  });

  it('exposes metrics on 61678', () => {
    expect(main().ports).toEqual([{ containerPort: 61678, name: 'metrics', protocol: 'TCP' }]);
  });

  it('mounts the host paths upstream mounts', () => {
    expect(pod().volumes).toEqual([
      { name: 'cni-bin-dir', hostPath: { path: '/opt/cni/bin' } },
      { name: 'cni-net-dir', hostPath: { path: '/etc/cni/net.d' } },
      { name: 'log-dir', hostPath: { path: '/var/log/aws-routed-eni', type: 'DirectoryOrCreate' } },
      { name: 'run-dir', hostPath: { path: '/var/run/aws-node', type: 'DirectoryOrCreate' } },
      { name: 'xtables-lock', hostPath: { path: '/run/xtables.lock', type: 'FileOrCreate' } },
    ]);
    expect(main().volumeMounts).toEqual([
      { name: 'cni-bin-dir', mountPath: '/host/opt/cni/bin' },
      { name: 'cni-net-dir', mountPath: '/host/etc/cni/net.d' },
      { name: 'log-dir', mountPath: '/host/var/log/aws-routed-eni' },
      { name: 'run-dir', mountPath: '/var/run/aws-node' },
      { name: 'xtables-lock', mountPath: '/run/xtables.lock' },
    ]);
    expect(init().volumeMounts).toEqual([{ name: 'cni-bin-dir', mountPath: '/host/opt/cni/bin' }]);
  });

  it('sets the upstream defaults in the env', () => {
    expect(envMap(main())).toMatchObject({
      ENABLE_IPv4: 'true',
      ENABLE_IPv6: 'false',
      ENABLE_PREFIX_DELEGATION: 'false',
      WARM_ENI_TARGET: '1',
      WARM_PREFIX_TARGET: '1',
      AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: 'false',
      ENABLE_POD_ENI: 'false',
      POD_SECURITY_GROUP_ENFORCING_MODE: 'strict',
      AWS_VPC_ENI_MTU: '9001',
      AWS_VPC_K8S_CNI_VETHPREFIX: 'eni',
      AWS_VPC_K8S_CNI_RANDOMIZESNAT: 'prng',
      AWS_VPC_K8S_CNI_LOG_FILE: '/host/var/log/aws-routed-eni/ipamd.log',
      AWS_VPC_K8S_PLUGIN_LOG_FILE: '/var/log/aws-routed-eni/plugin.log',
      ADDITIONAL_ENI_TAGS: '{}',
      ENABLE_SUBNET_DISCOVERY: 'true',
      ENABLE_V4_EGRESS: 'true',
      ENABLE_V6_EGRESS: 'false',
      NETWORK_POLICY_ENFORCING_MODE: 'standard',
      VPC_CNI_VERSION: '0.1.0',
      MY_NODE_NAME: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.nodeName' } },
      MY_POD_NAME: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } },
    });
    // Variables without a default stay out until set.
    for (const name of ['WARM_IP_TARGET', 'MINIMUM_IP_TARGET', 'MAX_ENI', 'CLUSTER_NAME', 'POD_MTU'])
      expect(envMap(main())).not.toHaveProperty(name);
    expect(envMap(init())).toEqual({
      ENABLE_IPv6: 'false',
      HOST_CNI_BIN_PATH: '/host/opt/cni/bin',
      ENABLE_V6_EGRESS: 'false',
      DISABLE_TCP_EARLY_DEMUX: 'false',
    });
  });

  it('carries a setting to every container that reads it, and nowhere else', () => {
    const opts = {
      set: { ENABLE_V6_EGRESS: 'true', DISABLE_TCP_EARLY_DEMUX: 'true', WARM_IP_TARGET: '5', MINIMUM_IP_TARGET: '10' },
    };
    expect(envMap(init(opts))).toMatchObject({ ENABLE_V6_EGRESS: 'true', DISABLE_TCP_EARLY_DEMUX: 'true' });
    expect(envMap(main(opts))).toMatchObject({
      ENABLE_V6_EGRESS: 'true',
      WARM_IP_TARGET: '5',
      MINIMUM_IP_TARGET: '10',
    });
    expect(envMap(main(opts))).not.toHaveProperty('DISABLE_TCP_EARLY_DEMUX');
    expect(envMap(init(opts))).not.toHaveProperty('WARM_IP_TARGET');
  });
});
