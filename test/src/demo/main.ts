// SPDX-License-Identifier: Apache-2.0
// `make demo` entry point (node test/dist/demo/main.js): the only demo file touching `process`.
import { existsSync } from 'node:fs';

import { runReferenceChainDemo } from './reference-chain-demo';

async function main(): Promise<number> {
  if (process.getuid?.() !== 0) {
    console.error('demo: needs root (it creates a network namespace and veth pairs). Run: sudo make demo');
    return 2;
  }
  if (!existsSync('/usr/lib/cni/ptp')) {
    console.error('demo: reference CNI plugins missing in /usr/lib/cni (apt-get install containernetworking-plugins)');
    return 2;
  }
  console.log('vpc-cni-ts demo: SDK chain executor + reference plugins (ipamd demo comes later)\n');
  let stopping = false;
  const done = runReferenceChainDemo({ print: (l) => console.log(l) });
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      if (!stopping) console.log(`\n${sig}: cleaning up...`);
      stopping = true; // the demo's finally block still runs; exit when it is done
    });
  }
  const ok = await done;
  console.log(ok ? '\ndemo: OK' : '\ndemo: FAILED');
  return ok ? 0 : 1;
}

void main().then((code) => process.exit(code));
