import type { ICustomResourceDefinition } from 'kubernetes-models/apiextensions.k8s.io/v1/CustomResourceDefinition';

/** API group, version and names of the ENIConfig custom resource (upstream-compatible). */
export const ENICONFIG = Object.freeze({
  group: 'crd.k8s.amazonaws.com',
  version: 'v1alpha1',
  kind: 'ENIConfig',
  plural: 'eniconfigs',
  singular: 'eniconfig',
  listKind: 'ENIConfigList',
});

/** An ENIConfig object: the subnet and security groups for ENIs of nodes that select it. */
export interface EniConfig {
  readonly apiVersion: 'crd.k8s.amazonaws.com/v1alpha1';
  readonly kind: 'ENIConfig';
  readonly metadata: { readonly name: string };
  readonly spec: { readonly subnet: string; readonly securityGroups?: readonly string[] };
}

/**
 * The CustomResourceDefinition `eniconfigs.crd.k8s.amazonaws.com`: cluster-scoped, v1alpha1 served and stored,
 * `spec.subnet` required, `spec.securityGroups` a list of strings. Pure.
 */
export function eniConfigCrd(labels: Readonly<Record<string, string>> = {}): ICustomResourceDefinition {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${ENICONFIG.plural}.${ENICONFIG.group}`, labels: { ...labels } },
    spec: {
      group: ENICONFIG.group,
      scope: 'Cluster',
      names: {
        kind: ENICONFIG.kind,
        listKind: ENICONFIG.listKind,
        plural: ENICONFIG.plural,
        singular: ENICONFIG.singular,
      },
      versions: [
        {
          name: ENICONFIG.version,
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              description: 'Subnet and security groups for the secondary ENIs of the nodes that select this ENIConfig',
              properties: {
                apiVersion: { type: 'string' },
                kind: { type: 'string' },
                metadata: { type: 'object' },
                spec: {
                  type: 'object',
                  required: ['subnet'],
                  properties: {
                    subnet: { type: 'string', description: "subnet ID for new ENIs, in the node's availability zone" },
                    securityGroups: {
                      type: 'array',
                      items: { type: 'string' },
                      description: "security group IDs for new ENIs; empty = the primary ENI's groups",
                    },
                  },
                },
                status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
              },
            },
          },
        },
      ],
    },
  };
}

/** An ENIConfig named `name` (for custom networking; usually the availability zone). Pure. */
export function eniConfig(name: string, subnet: string, securityGroups: readonly string[] = []): EniConfig {
  return {
    apiVersion: `${ENICONFIG.group}/${ENICONFIG.version}`,
    kind: ENICONFIG.kind,
    metadata: { name },
    spec: securityGroups.length ? { subnet, securityGroups: [...securityGroups] } : { subnet },
  };
}
