import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const REPO = resolve(__dirname, '..', '..', '..');
export const PLUGINS = ['aws-cni', 'egress-cni', 'bandwidth-shim', 'tuning-shim'] as const;
export const ENTRYPOINT_BUNDLE = join(REPO, 'conflist', 'dist', 'bin', 'aws-vpc-cni.js');
export const INIT_BUNDLE = join(REPO, 'conflist', 'dist', 'bin', 'aws-vpc-cni-init.js');
export const IPAMD_BUNDLE = join(REPO, 'ipamd', 'dist', 'bin', 'ipamd.js');
export const pluginBundle = (p: string): string => join(REPO, 'plugins', p, 'dist', 'bin', `${p}.js`);

/** How the plugins reach the node's CNI bin dir. */
export type PluginForm = 'sea' | 'bundle';

export interface PluginSource {
  /** Directory holding `aws-cni`, `egress-cni`, `bandwidth-shim`, `tuning-shim` (VPC_CNI_TS_PLUGIN_DIR). */
  readonly dir: string;
  readonly form: PluginForm;
  /** Why the requested form was not used, if it was not. */
  readonly note?: string;
}

/** Fails with the command to run when a bundle the e2e flow needs is missing. */
export function requireBundles(): void {
  const missing = [ENTRYPOINT_BUNDLE, INIT_BUNDLE, IPAMD_BUNDLE, ...PLUGINS.map(pluginBundle)].filter(
    (f) => !existsSync(f),
  );
  if (missing.length) throw new Error(`missing bundles (run \`npm run bundle\` or make demo): ${missing.join(', ')}`);
}

function childEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.NODE_EXTRA_CA_CERTS;
  return env;
}

/**
 * Where the standalone (Node SEA) multicall executables are: `conflist/dist/standalone` when it is newer than
 * every plugin bundle (`npm run standalone`), else built now into `<workDir>/standalone` (~8 s).
 */
function standaloneDir(workDir: string): string {
  const shared = join(REPO, 'conflist', 'dist', 'standalone');
  const fresh = (dir: string): boolean =>
    existsSync(join(dir, 'vpc-cni')) &&
    PLUGINS.every(
      (p) => existsSync(join(dir, p)) && statSync(join(dir, p)).mtimeMs >= statSync(pluginBundle(p)).mtimeMs,
    );
  if (fresh(shared)) return shared;
  const out = join(workDir, 'standalone');
  const r = spawnSync(process.execPath, [join(REPO, 'scripts', 'sea.js'), '--out', out], {
    cwd: REPO,
    encoding: 'utf8',
    env: childEnv(),
  });
  if (r.status !== 0 || !fresh(out)) {
    const why = (r.stderr || r.stdout || '').trim() || (r.signal ? `killed by ${r.signal}` : `exit ${r.status}`);
    throw new Error(`scripts/sea.js failed: ${why}`);
  }
  return out;
}

/** Node bundles behind a small wrapper: `exec <node> <bundle>` with NODE_EXTRA_CA_CERTS unset. */
function bundleDir(workDir: string): string {
  const dir = join(workDir, 'bundle-plugins');
  mkdirSync(dir, { recursive: true });
  for (const p of PLUGINS)
    writeFileSync(
      join(dir, p),
      `#!/bin/sh\nunset NODE_EXTRA_CA_CERTS\nexec ${process.execPath} ${pluginBundle(p)} "$@"\n`,
      { mode: 0o755 },
    );
  return dir;
}

/**
 * The plugin executables the entrypoint installs. `sea` (default) uses the standalone executables, so the
 * plugins run without Node.js on the PATH; if building them fails it falls back to bundles and says why.
 */
export function preparePlugins(workDir: string, form: PluginForm = 'sea'): PluginSource {
  requireBundles();
  if (form === 'bundle') return { dir: bundleDir(workDir), form };
  try {
    return { dir: standaloneDir(workDir), form };
  } catch (err) {
    return { dir: bundleDir(workDir), form: 'bundle', note: (err as Error).message };
  }
}
