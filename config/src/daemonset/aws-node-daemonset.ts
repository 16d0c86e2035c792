import type { IDaemonSet } from 'kubernetes-models/apps/v1/DaemonSet';
import type { IEnvVar } from 'kubernetes-models/v1/EnvVar';
import type { IProbe } from 'kubernetes-models/v1/Probe';
import type { ContainerRole } from '../env/env-var';
import { ENV_VARS, FIELD_REF_VARS } from '../env/env-vars';
import { envFlag } from '../env/resolve-env';
import { IMAGE_LAYOUT, METRICS_PORT, healthProbeCommand } from './image-layout';
import { hostVolumes, mountsFor } from './volumes';

/** What the aws-node DaemonSet is built from. */
export interface DaemonSetOptions {
  readonly name: string;
  readonly namespace: string;
  readonly serviceAccountName: string;
  /** Image of the aws-node container (repo:tag). */
  readonly image: string;
  /** Image of the init container; usually the same image. */
  readonly initImage: string;
  /** Resolved environment (see resolveEnv). */
  readonly env: Readonly<Record<string, string>>;
  /** Labels on the DaemonSet and its pods; `selector` must be a subset. */
  readonly labels: Readonly<Record<string, string>>;
  /** Pod selector: immutable on a live DaemonSet, so kept equal to upstream's for in-place replacement. */
  readonly selector: Readonly<Record<string, string>>;
}

/** CPU request of each container (upstream's value). */
export const CPU_REQUEST = '25m';

/** Env entries of one container, in table order; the node container also gets the downward-API names. */
export function containerEnv(role: ContainerRole, env: Readonly<Record<string, string>>): IEnvVar[] {
  const out: IEnvVar[] = ENV_VARS.filter((v) => v.containers.includes(role) && env[v.name] !== undefined).map((v) => ({
    name: v.name,
    value: env[v.name],
  }));
  if (role === 'node') {
    for (const [name, fieldPath] of Object.entries(FIELD_REF_VARS)) {
      out.push({ name, valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath } } });
    }
  }
  return out;
}

function probe(initialDelaySeconds: number): IProbe {
  return { exec: { command: healthProbeCommand() }, initialDelaySeconds, timeoutSeconds: 10, periodSeconds: 10 };
}

/**
 * The aws-node DaemonSet: host network, system-node-critical, tolerates every taint, 10 % max unavailable during a
 * rolling update; init container `aws-vpc-cni-init` (privileged: sets sysctls, installs plugins), main container
 * `aws-node` running the entrypoint `aws-vpc-cni` with NET_ADMIN and NET_RAW; liveness (60 s initial delay) and
 * readiness (1 s) probes exec the gRPC health check against ipamd's unix socket. Pure.
 */
export function awsNodeDaemonSet(o: DaemonSetOptions): IDaemonSet {
  const metricsOn = !envFlag(o.env, 'DISABLE_METRICS');
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: o.name, namespace: o.namespace, labels: { ...o.labels } },
    spec: {
      selector: { matchLabels: { ...o.selector } },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '10%' } },
      template: {
        metadata: { labels: { ...o.labels } },
        spec: {
          priorityClassName: 'system-node-critical',
          serviceAccountName: o.serviceAccountName,
          hostNetwork: true,
          terminationGracePeriodSeconds: 10,
          tolerations: [{ operator: 'Exists' }],
          affinity: {
            nodeAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: [
                  {
                    matchExpressions: [
                      { key: 'kubernetes.io/os', operator: 'In', values: ['linux'] },
                      { key: 'kubernetes.io/arch', operator: 'In', values: ['amd64', 'arm64'] },
                      {
                        key: 'eks.amazonaws.com/compute-type',
                        operator: 'NotIn',
                        values: ['fargate', 'hybrid', 'auto'],
                      },
                    ],
                  },
                ],
              },
            },
          },
          initContainers: [
            {
              name: 'aws-vpc-cni-init',
              image: o.initImage,
              imagePullPolicy: 'IfNotPresent',
              command: [IMAGE_LAYOUT.init],
              workingDir: IMAGE_LAYOUT.initWorkingDir,
              env: containerEnv('init', o.env),
              resources: { requests: { cpu: CPU_REQUEST } },
              securityContext: { privileged: true },
              volumeMounts: mountsFor('init'),
            },
          ],
          containers: [
            {
              name: 'aws-node',
              image: o.image,
              imagePullPolicy: 'IfNotPresent',
              command: [IMAGE_LAYOUT.entrypoint],
              workingDir: IMAGE_LAYOUT.appDir,
              ...(metricsOn ? { ports: [{ containerPort: METRICS_PORT, name: 'metrics', protocol: 'TCP' }] } : {}),
              livenessProbe: probe(60),
              readinessProbe: probe(1),
              env: containerEnv('node', o.env),
              resources: { requests: { cpu: CPU_REQUEST } },
              securityContext: { capabilities: { add: ['NET_ADMIN', 'NET_RAW'] } },
              volumeMounts: mountsFor('node'),
            },
          ],
          volumes: hostVolumes(),
        },
      },
    },
  };
}
