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

/** What a plugin's main hands to {@link runCni}. */
export interface CniHandlers {
  /** Versions this plugin supports, oldest first. */
  readonly supportedVersions: readonly string[];
  add(req: CniRequest): Promise<unknown>;
  del(req: CniRequest): Promise<void>;
  check(req: CniRequest): Promise<void>;
}

/** The process edge, injected so tests need no real process. */
export interface CniIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readStdin(): Promise<string>;
  writeStdout(text: string): void;
}
