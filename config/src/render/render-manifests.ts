import { IPAMD_API_CALLS } from '../api-calls';
import { eniConfig, eniConfigCrd } from '../crd/eniconfig-crd';
import { awsNodeDaemonSet } from '../daemonset/aws-node-daemonset';
import { envFlag, resolveEnv } from '../env/resolve-env';
import { enabledCalls, rulesFor } from '../rbac/rbac-rules';
import { rbacObjects } from '../rbac/rbac-objects';
import { ManifestError } from '../manifest-error';
import { DEFAULT_IMAGE, checkImage, imageTag } from './image-ref';
import type { KubeObject } from './kube-object';
import { validateObjects } from './validate';

/** An ENIConfig to render alongside the DaemonSet (custom networking). */
export interface EniConfigInput {
  readonly name: string;
  readonly subnet: string;
  readonly securityGroups?: readonly string[];
}

/** Everything a rendering can vary. All optional; the defaults give upstream's default manifest. */
export interface RenderOptions {
  /** Environment variables to set (VAR -> value), checked against the variable table. */
  readonly set?: Readonly<Record<string, string>>;
  readonly image?: string;
  /** Defaults to `image`. */
  readonly initImage?: string;
  readonly namespace?: string;
  /** 'settings' (default): grant only the calls the rendered settings make; 'all-features': every call. */
  readonly rbac?: 'settings' | 'all-features';
  /** IRSA role for the service account. */
  readonly roleArn?: string;
  readonly eniConfigs?: readonly EniConfigInput[];
  /** Include the ENIConfig CRD (default true). */
  readonly includeCrd?: boolean;
}

/** The objects of one rendering, validated, plus warnings for the user. */
export interface RenderedManifests {
  readonly objects: readonly KubeObject[];
  readonly warnings: readonly string[];
}

const NAME = 'aws-node';

/**
 * Builds and validates the manifests: ENIConfig CRD, ServiceAccount, ClusterRole (rules derived from
 * {@link IPAMD_API_CALLS}), ClusterRoleBinding, the aws-node DaemonSet, and any ENIConfigs asked for. Throws
 * {@link ManifestError} on bad input. Pure.
 */
export function renderManifests(opts: RenderOptions = {}): RenderedManifests {
  const image = checkImage(opts.image ?? DEFAULT_IMAGE, '--image');
  const initImage = checkImage(opts.initImage ?? image, '--init-image');
  const namespace = opts.namespace ?? 'kube-system';
  if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(namespace)) {
    throw new ManifestError(`--namespace: '${namespace}' is not a valid namespace name`);
  }
  if (opts.roleArn !== undefined && !/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/.test(opts.roleArn)) {
    throw new ManifestError(
      `--role-arn: '${opts.roleArn}' is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)`,
    );
  }
  const version = imageTag(image);
  const env = resolveEnv(opts.set ?? {}, { version });
  const labels = {
    'app.kubernetes.io/name': NAME,
    'app.kubernetes.io/instance': 'aws-vpc-cni',
    'app.kubernetes.io/part-of': 'vpc-cni-ts',
    'app.kubernetes.io/version': labelValue(version),
    'k8s-app': NAME,
  };
  const scope =
    opts.rbac === 'all-features'
      ? ({ mode: 'all-features' } as const)
      : ({ mode: 'settings', env: env.values } as const);
  const rules = rulesFor(enabledCalls(IPAMD_API_CALLS, scope));
  const objects: KubeObject[] = [];
  if (opts.includeCrd ?? true) objects.push(eniConfigCrd({ 'app.kubernetes.io/part-of': 'vpc-cni-ts' }));
  objects.push(...rbacObjects({ name: NAME, namespace, labels, roleArn: opts.roleArn }, rules));
  objects.push(
    awsNodeDaemonSet({
      name: NAME,
      namespace,
      serviceAccountName: NAME,
      image,
      initImage,
      env: env.values,
      labels,
      selector: { 'k8s-app': NAME },
    }),
  );
  const warnings = [...env.warnings];
  const eniConfigs = opts.eniConfigs ?? [];
  for (const e of eniConfigs) objects.push(eniConfig(e.name, e.subnet, e.securityGroups));
  if (eniConfigs.length && !envFlag(env.values, 'AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG')) {
    warnings.push('ENIConfigs are rendered but AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG is not true: ipamd will ignore them');
  }
  validateObjects(objects);
  return Object.freeze({ objects: Object.freeze(objects), warnings: Object.freeze(warnings) });
}

/** A label value from a tag: at most 63 characters of [A-Za-z0-9._-], alphanumeric at both ends. */
function labelValue(s: string): string {
  const cleaned = s.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 63);
  return cleaned.replace(/^[^A-Za-z0-9]+/, '').replace(/[^A-Za-z0-9]+$/, '');
}
