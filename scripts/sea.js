#!/usr/bin/env node
// Turns ncc bundles into Node single-executable applications (SEA), so the plugins run on hosts without Node.js.
//
//   node scripts/sea.js [--out DIR] [--each] [--only a,b] [--inline] [--daemons]
//
// Default: ONE multicall executable DIR/vpc-cni holding the four plugin bundles (plugins/<p>/dist/bin/<p>.js),
// plus hard links aws-cni, egress-cni, bandwidth-shim, tuning-shim to it (each SEA carries a whole Node binary,
// ~99 MB, so one shared file instead of four). DIR defaults to conflist/dist/standalone.
// Each plugin is a SEA asset with a V8 code cache built here, and the tiny main compiles only the one it runs;
// --inline wraps all bundles into the main script instead (the bench compares the forms).
// --each also builds one SEA per plugin under DIR/each/ (the bench compares both forms).
// --daemons also builds the image-side executables aws-k8s-agent (ipamd), aws-vpc-cni and aws-vpc-cni-init.
// Needs the bundles first (npm run bundle). Slow and large: not part of `npm run bundle`; run `npm run standalone`.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const { multicallSource, multicallWithAssets } = require('./sea-multicall');

const ROOT = path.resolve(__dirname, '..');
const FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
const PLUGINS = ['aws-cni', 'egress-cni', 'bandwidth-shim', 'tuning-shim'];
const MULTICALL = 'vpc-cni';

/** Long-lived executables (image side) built with --daemons, by installed name: bundle path. */
const DAEMONS = {
  'aws-k8s-agent': path.join(ROOT, 'ipamd', 'dist', 'bin', 'ipamd.js'),
  'aws-vpc-cni': path.join(ROOT, 'conflist', 'dist', 'bin', 'aws-vpc-cni.js'),
  'aws-vpc-cni-init': path.join(ROOT, 'conflist', 'dist', 'bin', 'aws-vpc-cni-init.js'),
};

const bundlePath = (name) => path.join(ROOT, 'plugins', name, 'dist', 'bin', `${name}.js`);

/**
 * Builds one SEA from a CommonJS main script.
 * @param {string} main path of the main script
 * @param {string} out path of the executable to write
 * @param {string} work scratch directory
 * @param {Record<string, string>} [assets] SEA assets by key (file paths)
 */
function buildSea(main, out, work, assets) {
  fs.mkdirSync(work, { recursive: true });
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const blob = path.join(work, `${path.basename(out)}.blob`);
  const config = path.join(work, `${path.basename(out)}.sea-config.json`);
  const seaConfig = { main, output: blob, disableExperimentalSEAWarning: true, useCodeCache: true };
  fs.writeFileSync(config, JSON.stringify(assets ? { ...seaConfig, assets } : seaConfig));
  const env = seaEnv();
  execFileSync(process.execPath, ['--experimental-sea-config', config], { stdio: 'pipe', env });
  const tmp = `${out}.tmp-${process.pid}`;
  fs.copyFileSync(process.execPath, tmp);
  fs.chmodSync(tmp, 0o755);
  const postject = require.resolve('postject/dist/cli.js', { paths: [ROOT] });
  // postject prints a harmless "Can't find string offset for section name '.note.100'" on this node build
  execFileSync(process.execPath, [postject, tmp, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', FUSE], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env,
  });
  fs.renameSync(tmp, out);
  fs.rmSync(blob, { force: true });
  fs.rmSync(config, { force: true });
}

function seaEnv() {
  const env = { ...process.env };
  delete env.NODE_EXTRA_CA_CERTS;
  return env;
}

/** Runs a Node script with the Node binary SEAs are built from (so V8 code caches match it). */
const runNode = (script, env = {}) =>
  execFileSync(process.execPath, ['-e', script], { stdio: 'pipe', input: '', env: { ...seaEnv(), ...env } });

/** Replaces `dst` with a hard link to `src` (copy if the filesystem refuses links). */
function linkOrCopy(src, dst) {
  fs.rmSync(dst, { force: true });
  try {
    fs.linkSync(src, dst);
  } catch {
    fs.copyFileSync(src, dst);
    fs.chmodSync(dst, 0o755);
  }
}

/**
 * Builds the multicall executable `<outDir>/vpc-cni` and links the plugin names to it. `form` is `assets` (each
 * plugin a SEA asset with its own code cache; the main compiles only the selected one: the default) or `inline`
 * (every bundle wrapped in a function inside the main script).
 * @returns {string} the multicall path
 */
function buildMulticall(outDir, plugins = PLUGINS, work = path.join(outDir, '.work'), form = 'assets') {
  const entries = plugins.map((name) => ({ name, file: bundlePath(name) }));
  for (const e of entries)
    if (!fs.existsSync(e.file)) throw new Error(`${e.file} is missing: run npm run bundle first`);
  fs.mkdirSync(work, { recursive: true });
  const out = path.join(outDir, MULTICALL);
  if (form === 'inline') {
    const main = path.join(work, 'vpc-cni-main.js');
    fs.writeFileSync(main, multicallSource(entries));
    buildSea(main, out, work);
  } else {
    const { main, assets } = multicallWithAssets(entries, work, runNode);
    buildSea(main, out, work, assets);
  }
  for (const name of plugins) linkOrCopy(out, path.join(outDir, name));
  fs.rmSync(work, { recursive: true, force: true });
  return out;
}

/** Builds one SEA per plugin into `<outDir>/<name>`. */
function buildEach(outDir, plugins = PLUGINS, work = path.join(outDir, '.work')) {
  for (const name of plugins) {
    if (!fs.existsSync(bundlePath(name))) throw new Error(`${bundlePath(name)} is missing: run npm run bundle first`);
    buildSea(bundlePath(name), path.join(outDir, name), work);
  }
  fs.rmSync(work, { recursive: true, force: true });
}

function main(argv) {
  const arg = (flag) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const outDir = path.resolve(arg('--out') ?? path.join(ROOT, 'conflist', 'dist', 'standalone'));
  const plugins = arg('--only')?.split(',') ?? PLUGINS;
  const t0 = Date.now();
  const out = buildMulticall(outDir, plugins, undefined, argv.includes('--inline') ? 'inline' : 'assets');
  console.log(
    `built ${out} (${(fs.statSync(out).size / 1e6).toFixed(1)} MB) + links ${plugins.join(', ')} in ${Date.now() - t0} ms`,
  );
  if (argv.includes('--daemons')) {
    for (const [name, bundle] of Object.entries(DAEMONS)) {
      if (!fs.existsSync(bundle)) throw new Error(`${bundle} is missing: run npm run bundle first`);
      buildSea(bundle, path.join(outDir, name), path.join(outDir, '.work'));
    }
    fs.rmSync(path.join(outDir, '.work'), { recursive: true, force: true });
    console.log(`built ${Object.keys(DAEMONS).join(', ')} in ${outDir}`);
  }
  if (argv.includes('--each')) {
    buildEach(path.join(outDir, 'each'), plugins);
    console.log(`built one SEA per plugin in ${path.join(outDir, 'each')}`);
  }
}

module.exports = { buildSea, buildMulticall, buildEach, PLUGINS, DAEMONS, MULTICALL, FUSE, bundlePath };

if (require.main === module) {
  try {
    main(process.argv.slice(2));
  } catch (err) {
    console.error(`sea: ${err.message}`);
    process.exit(1);
  }
}
