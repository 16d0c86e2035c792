// SPDX-License-Identifier: Apache-2.0
import { type PluginIo } from '../skel/plugin-io';

/** An in-memory {@link PluginIo}: give env and stdin, read back stdout, stderr and the exit code. */
export interface MemoryIo extends PluginIo {
  readonly out: { stdout: string; stderr: string; exitCode: number | undefined; stdinReads: number };
}

/**
 * Builds an in-memory IO for driving `pluginMain` without spawning.
 * @param stdin the text on stdin, or an Error to make reading fail (code 5).
 */
export function memoryIo(env: Record<string, string | undefined>, stdin: string | Error = ''): MemoryIo {
  const out = { stdout: '', stderr: '', exitCode: undefined as number | undefined, stdinReads: 0 };
  return {
    env,
    out,
    readStdin: async () => {
      out.stdinReads++;
      if (stdin instanceof Error) throw stdin;
      return stdin;
    },
    stdout: { write: (s: string) => (out.stdout += s) },
    stderr: { write: (s: string) => (out.stderr += s) },
    exit: (code: number) => {
      out.exitCode = code;
    },
  };
}
