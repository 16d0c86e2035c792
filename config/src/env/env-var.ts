/** Which container of the aws-node DaemonSet reads a variable. */
export type ContainerRole = 'init' | 'node';

/** The shape a variable's value must have; checked when a user sets it. */
export type EnvValueKind =
  | { readonly type: 'bool' }
  | { readonly type: 'int'; readonly min?: number; readonly max?: number }
  /** An integer written in any base Go's ParseInt(s, 0, 64) accepts (0x80, 0o17, 128), within [min, max]. */
  | { readonly type: 'mark'; readonly min: number; readonly max: number }
  | { readonly type: 'enum'; readonly values: readonly string[]; readonly caseInsensitive?: boolean }
  | { readonly type: 'string' }
  /** Comma-separated IPv4 CIDRs. */
  | { readonly type: 'cidr-list' }
  /** A JSON object whose values are strings. */
  | { readonly type: 'json-object' };

/** Where in the system a variable takes effect. */
export type EnvArea = 'ipamd' | 'networking' | 'entrypoint' | 'init' | 'logging' | 'network-policy';

/**
 * One environment variable of the Amazon VPC CNI, with the default the upstream manifest (or, where the manifest does
 * not set it, the upstream code) uses.
 */
export interface EnvVarSpec {
  readonly name: string;
  /** The value rendered when the user does not set it; undefined = left out of the manifest unless set. */
  readonly default: string | undefined;
  readonly kind: EnvValueKind;
  /** Containers that get the variable. */
  readonly containers: readonly ContainerRole[];
  readonly area: EnvArea;
  readonly description: string;
  /** Accepted for compatibility but has no effect; setting it prints a warning. */
  readonly deprecated?: string;
}
