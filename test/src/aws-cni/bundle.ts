/** Locates the bundled aws-cni (plugins/aws-cni/dist/bin/aws-cni.js), rebuilding it when sources are newer. */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '../../..');
export const AWS_CNI_DIR = join(REPO_ROOT, 'plugins/aws-cni');
export const AWS_CNI_BUNDLE = join(AWS_CNI_DIR, 'dist/bin/aws-cni.js');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/** Builds (tsc -b + ncc) when the bundle is missing or older than plugins/aws-cni/src or sdk/src; returns its path. */
export function ensureAwsCniBundle(): string {
  const stale =
    !existsSync(AWS_CNI_BUNDLE) ||
    statSync(AWS_CNI_BUNDLE).mtimeMs <
      Math.max(newestMtime(join(AWS_CNI_DIR, 'src')), newestMtime(join(REPO_ROOT, 'sdk/src')));
  if (stale) {
    const env = { ...process.env };
    delete env.NODE_EXTRA_CA_CERTS;
    execFileSync('npx', ['tsc', '-b', AWS_CNI_DIR], { cwd: REPO_ROOT, stdio: 'inherit', env });
    execFileSync('npm', ['run', 'bundle', '-w', 'plugins/aws-cni'], { cwd: REPO_ROOT, stdio: 'ignore', env });
  }
  return AWS_CNI_BUNDLE;
}
