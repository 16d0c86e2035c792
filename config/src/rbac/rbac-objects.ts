import type { IClusterRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole';
import type { IClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding';
import type { IServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import type { IPolicyRule } from 'kubernetes-models/rbac.authorization.k8s.io/v1/PolicyRule';

/** Names shared by the RBAC objects and the DaemonSet. */
export interface RbacNames {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  /** IAM role for service accounts (IRSA): sets eks.amazonaws.com/role-arn. */
  readonly roleArn?: string;
}

/** ServiceAccount, ClusterRole with `rules`, and the binding between them. Pure. */
export function rbacObjects(
  names: RbacNames,
  rules: IPolicyRule[],
): [IServiceAccount, IClusterRole, IClusterRoleBinding] {
  const labels = { ...names.labels };
  const sa: IServiceAccount = {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: {
      name: names.name,
      namespace: names.namespace,
      labels,
      ...(names.roleArn ? { annotations: { 'eks.amazonaws.com/role-arn': names.roleArn } } : {}),
    },
  };
  const role: IClusterRole = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: names.name, labels },
    rules,
  };
  const binding: IClusterRoleBinding = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: names.name, labels },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: names.name },
    subjects: [{ kind: 'ServiceAccount', name: names.name, namespace: names.namespace }],
  };
  return [sa, role, binding];
}
