// SPDX-License-Identifier: Apache-2.0
/** One CNI invocation as the handlers see it: environment parsed, stdin decoded to an object. */
export interface CniRequest {
  readonly command: 'ADD' | 'DEL' | 'CHECK';
  readonly containerId: string;
  /** Namespace path; may be empty on DEL (the runtime lost it) — never on ADD/CHECK. */
  readonly netns: string;
  readonly ifName: string;
  /** Raw CNI_ARGS (`K=V;K2=V2`), possibly empty. */
  readonly args: string;
  /** The decoded stdin object (a plugin config), not yet validated. */
  readonly config: Record<string, unknown>;
}

/** A plugin's verbs over {@link CniRequest}; `sdkPlugin` runs them under the SDK dispatcher. */
export interface CniHandlers {
  /** Versions this plugin supports, oldest first. */
  readonly supportedVersions: readonly string[];
  add(req: CniRequest): Promise<unknown>;
  del(req: CniRequest): Promise<void>;
  check(req: CniRequest): Promise<void>;
}
