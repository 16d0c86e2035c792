import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/** One entry of a tar archive. */
export type TarEntry =
  | { readonly type: 'dir'; readonly name: string; readonly mode?: number }
  | { readonly type: 'file'; readonly name: string; readonly data: Buffer; readonly mode?: number }
  | { readonly type: 'symlink'; readonly name: string; readonly target: string };

function octal(n: number, width: number): string {
  return n.toString(8).padStart(width - 1, '0') + '\0';
}

function header(name: string, size: number, mode: number, typeflag: string, linkname = ''): Buffer {
  if (Buffer.byteLength(name) > 99 || Buffer.byteLength(linkname) > 99) throw new Error(`tar: name too long: ${name}`);
  const h = Buffer.alloc(512);
  h.write(name, 0);
  h.write(octal(mode, 8), 100);
  h.write(octal(0, 8), 108);
  h.write(octal(0, 8), 116);
  h.write(octal(size, 12), 124);
  h.write(octal(0, 12), 136);
  h.write('        ', 148);
  h.write(typeflag, 156);
  h.write(linkname, 157);
  h.write('ustar\0', 257);
  h.write('00', 263);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(octal(sum, 7) + ' ', 148);
  return h;
}

/** A plain (uncompressed) ustar archive, deterministic: mtime 0, uid/gid 0. */
export function tar(entries: readonly TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    if (e.type === 'dir') parts.push(header(e.name.endsWith('/') ? e.name : `${e.name}/`, 0, e.mode ?? 0o755, '5'));
    else if (e.type === 'symlink') parts.push(header(e.name, 0, 0o777, '2', e.target));
    else {
      parts.push(header(e.name, e.data.length, e.mode ?? 0o644, '0'), e.data);
      const pad = (512 - (e.data.length % 512)) % 512;
      if (pad) parts.push(Buffer.alloc(pad));
    }
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** Applets the test pods use; all are the one static busybox binary. */
const APPLETS = ['sh', 'sleep', 'ip', 'ping', 'nc', 'sysctl', 'cat', 'echo', 'ls', 'ifconfig', 'wget', 'true'];

/**
 * Builds an OCI image archive (what `ctr images import` takes) of a one-layer busybox image whose default command
 * sleeps forever, so it can serve as both the pod sandbox ("pause") image and a test container. No registry needed.
 */
export function buildBusyboxImage(imageName: string, out: string, busybox = '/bin/busybox'): void {
  if (!existsSync(busybox)) throw new Error(`${busybox} not found: install busybox-static`);
  const entries: TarEntry[] = [
    { type: 'dir', name: 'bin' },
    { type: 'dir', name: 'etc' },
    { type: 'dir', name: 'proc' },
    { type: 'dir', name: 'sys' },
    { type: 'dir', name: 'dev' },
    { type: 'dir', name: 'tmp', mode: 0o1777 },
    { type: 'file', name: 'bin/busybox', data: readFileSync(busybox), mode: 0o755 },
    ...APPLETS.map((a): TarEntry => ({ type: 'symlink', name: `bin/${a}`, target: 'busybox' })),
    { type: 'file', name: 'etc/passwd', data: Buffer.from('root:x:0:0:root:/:/bin/sh\n') },
  ];
  const layer = tar(entries);
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: { Cmd: ['/bin/sleep', '2147483647'], Env: ['PATH=/bin'] },
      rootfs: { type: 'layers', diff_ids: [`sha256:${sha(layer)}`] },
    }),
  );
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: {
        mediaType: 'application/vnd.oci.image.config.v1+json',
        digest: `sha256:${sha(config)}`,
        size: config.length,
      },
      layers: [
        { mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: `sha256:${sha(layer)}`, size: layer.length },
      ],
    }),
  );
  const tag = imageName.slice(imageName.lastIndexOf(':') + 1);
  const index = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          digest: `sha256:${sha(manifest)}`,
          size: manifest.length,
          annotations: { 'io.containerd.image.name': imageName, 'org.opencontainers.image.ref.name': tag },
        },
      ],
    }),
  );
  const blob = (b: Buffer): TarEntry => ({ type: 'file', name: `blobs/sha256/${sha(b)}`, data: b });
  writeFileSync(
    out,
    tar([
      { type: 'file', name: 'oci-layout', data: Buffer.from('{"imageLayoutVersion":"1.0.0"}') },
      { type: 'file', name: 'index.json', data: index },
      { type: 'dir', name: 'blobs' },
      { type: 'dir', name: 'blobs/sha256' },
      blob(layer),
      blob(config),
      blob(manifest),
    ]),
  );
}
