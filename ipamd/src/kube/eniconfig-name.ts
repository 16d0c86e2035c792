import { type NodeInfo } from './kube-api';

/** Label the VPC resource controller / users set to pin a node's ENIConfig outright. */
export const EXTERNAL_ENICONFIG_LABEL = 'vpc.amazonaws.com/externalEniConfig';
export const DEFAULT_ENICONFIG_KEY = 'k8s.amazonaws.com/eniConfig';

export interface EniConfigKeys {
  /** ENI_CONFIG_ANNOTATION_DEF */
  readonly annotationKey: string;
  /** ENI_CONFIG_LABEL_DEF (commonly topology.kubernetes.io/zone) */
  readonly labelKey: string;
}

/**
 * The ENIConfig name for a node: the external label, then the annotation, then the label, then "default". The
 * annotation wins over the label, so one node can be moved off its zone's ENIConfig without relabelling.
 */
export function eniConfigNameFor(node: Pick<NodeInfo, 'labels' | 'annotations'>, keys: EniConfigKeys): string {
  return (
    node.labels[EXTERNAL_ENICONFIG_LABEL] ||
    node.annotations[keys.annotationKey] ||
    node.labels[keys.labelKey] ||
    'default'
  );
}
