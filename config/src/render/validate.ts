import { DaemonSet } from 'kubernetes-models/apps/v1/DaemonSet';
import { CustomResourceDefinition } from 'kubernetes-models/apiextensions.k8s.io/v1/CustomResourceDefinition';
import { ClusterRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole';
import { ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { ENICONFIG, type EniConfig } from '../crd/eniconfig-crd';
import { ManifestError } from '../manifest-error';
import type { KubeObject } from './kube-object';

type Validator = (obj: KubeObject) => void;

// Each built-in kind is checked by kubernetes-models against the Kubernetes OpenAPI schema of its apiVersion.
const validators: Readonly<Record<string, Validator>> = {
  'apps/v1/DaemonSet': (o) => new DaemonSet(o as never).validate(),
  'v1/ServiceAccount': (o) => new ServiceAccount(o as never).validate(),
  'rbac.authorization.k8s.io/v1/ClusterRole': (o) => new ClusterRole(o as never).validate(),
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': (o) => new ClusterRoleBinding(o as never).validate(),
  'apiextensions.k8s.io/v1/CustomResourceDefinition': (o) => new CustomResourceDefinition(o as never).validate(),
  [`${ENICONFIG.group}/${ENICONFIG.version}/${ENICONFIG.kind}`]: (o) => checkEniConfig(o as unknown as EniConfig),
};

/** The ENIConfig CRD's schema, checked by hand (custom resources are not in kubernetes-models). */
function checkEniConfig(o: EniConfig): void {
  const problems: string[] = [];
  if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(o.metadata?.name ?? ''))
    problems.push('metadata.name must be a DNS subdomain');
  if (typeof o.spec?.subnet !== 'string' || o.spec.subnet === '') problems.push('spec.subnet is required');
  const sgs: unknown = o.spec?.securityGroups;
  if (sgs !== undefined && !(Array.isArray(sgs) && sgs.every((s) => typeof s === 'string'))) {
    problems.push('spec.securityGroups must be a list of strings');
  }
  if (problems.length) throw new Error(problems.join(', '));
}

/**
 * Validates every object against its kind's schema. Throws a {@link ManifestError} (exit code 1: a bug in the
 * generator, not the user's input) naming the object and the schema errors; unknown kinds are an error too.
 */
export function validateObjects(objects: readonly KubeObject[]): void {
  for (const obj of objects) {
    const key = `${obj.apiVersion}/${obj.kind}`;
    const validate = validators[key];
    const id = `${obj.kind} ${obj.metadata?.name ?? '(unnamed)'}`;
    if (!validate) throw new ManifestError(`${id}: no schema known for ${key}`, 1);
    try {
      validate(obj);
    } catch (err) {
      throw new ManifestError(`${id} does not match the Kubernetes schema: ${(err as Error).message}`, 1, {
        cause: err,
      });
    }
  }
}
