// SPDX-License-Identifier: Apache-2.0
// `make demo` entry point (node test/dist/demo/main.js [options]): the only demo file touching `process`.
import { DEMO_USAGE, parseDemoArgs, type DemoOptions } from './demo-options';
import { runNodeDemo } from './node-demo';
import { VpcNode } from '../e2e/vpc-node';

async function main(): Promise<number> {
  let opts: DemoOptions;
  try {
    opts = parseDemoArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`demo: ${(err as Error).message}\n${DEMO_USAGE}`);
    return 2;
  }
  if (opts.help) {
    console.log(DEMO_USAGE);
    return 0;
  }
  const missing = VpcNode.missing();
  if (missing.length) {
    console.error(`demo: cannot run: needs ${missing.join(', ')}.`);
    console.error(
      'It creates network namespaces and runs containerd; run it as root on a Debian machine: sudo make demo',
    );
    return 2;
  }
  // a closed pipe (e.g. `| head`) must not kill the demo before it has cleaned up
  process.stdout.on('error', () => undefined);
  process.stderr.on('error', () => undefined);
  console.log('vpc-cni-ts demo: a simulated EC2 node running aws-node (ipamd) and containerd, pods in the VPC');
  let stopping = false;
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      if (!stopping) console.log(`\n${sig}: stopping after the current step, then cleaning up...`);
      stopping = true;
    });
  }
  const ok = await runNodeDemo(opts, { print: (l) => console.log(l), stopping: () => stopping });
  if (stopping) {
    console.log('\ndemo: interrupted (everything it started was stopped and removed)');
    return 130;
  }
  console.log(ok ? '\ndemo: OK' : '\ndemo: FAILED (see above)');
  return ok ? 0 : 1;
}

void main().then((code) => process.exit(code));
