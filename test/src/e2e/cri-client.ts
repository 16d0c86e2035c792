import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

import { CRI_PROTO } from './cri-proto';

/** What a kubelet puts in a pod sandbox config that matters to the network plugin. */
export interface PodSpec {
  readonly name: string;
  readonly namespace: string;
  readonly uid: string;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly labels?: Readonly<Record<string, string>>;
}

export interface SandboxStatus {
  readonly id: string;
  readonly state: 'SANDBOX_READY' | 'SANDBOX_NOTREADY';
  readonly ip: string;
  readonly additionalIps: readonly string[];
}

type Unary = (
  req: unknown,
  md: grpc.Metadata,
  opts: grpc.CallOptions,
  cb: (e: grpc.ServiceError | null, r: unknown) => void,
) => void;

/**
 * A CRI RuntimeService client over containerd's socket: the same calls, in the same order, as a kubelet makes to
 * run and remove a pod sandbox.
 */
export class CriClient {
  private readonly client: grpc.Client & Record<string, Unary>;

  constructor(
    socketPath: string,
    private readonly timeoutMs = 60_000,
  ) {
    const dir = mkdtempSync(join(tmpdir(), 'vct-cri-'));
    try {
      const file = join(dir, 'api.proto');
      writeFileSync(file, CRI_PROTO);
      const def = protoLoader.loadSync(file, { keepCase: true, longs: String, enums: String, defaults: true });
      const pkg = grpc.loadPackageDefinition(def) as unknown as {
        runtime: { v1: { RuntimeService: grpc.ServiceClientConstructor } };
      };
      this.client = new pkg.runtime.v1.RuntimeService(
        `unix://${socketPath}`,
        grpc.credentials.createInsecure(),
      ) as unknown as grpc.Client & Record<string, Unary>;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  private call<T>(method: string, req: unknown): Promise<T> {
    return new Promise((resolve, reject) => {
      const deadline = new Date(Date.now() + this.timeoutMs);
      this.client[method].call(this.client, req, new grpc.Metadata(), { deadline }, (err, res) =>
        err ? reject(new Error(`CRI ${method}: ${err.details || err.message}`)) : resolve(res as T),
      );
    });
  }

  async version(): Promise<{ runtime_name: string; runtime_version: string }> {
    return this.call('Version', { version: 'v1' });
  }

  /** Conditions by type, e.g. { RuntimeReady: true, NetworkReady: true }. */
  async status(): Promise<Record<string, boolean>> {
    const r = await this.call<{ status: { conditions: { type: string; status: boolean }[] } }>('Status', {});
    return Object.fromEntries(r.status.conditions.map((c) => [c.type, c.status]));
  }

  async runPodSandbox(pod: PodSpec): Promise<string> {
    const r = await this.call<{ pod_sandbox_id: string }>('RunPodSandbox', {
      config: {
        metadata: { name: pod.name, namespace: pod.namespace, uid: pod.uid, attempt: 0 },
        hostname: pod.name,
        log_directory: '',
        labels: { 'io.kubernetes.pod.name': pod.name, ...(pod.labels ?? {}) },
        annotations: { ...(pod.annotations ?? {}) },
        linux: { security_context: { namespace_options: { network: 'POD', pid: 'CONTAINER', ipc: 'POD' } } },
      },
    });
    return r.pod_sandbox_id;
  }

  async podSandboxStatus(id: string): Promise<SandboxStatus> {
    const r = await this.call<{
      status: { id: string; state: SandboxStatus['state']; network?: { ip: string; additional_ips: { ip: string }[] } };
    }>('PodSandboxStatus', { pod_sandbox_id: id });
    return {
      id: r.status.id,
      state: r.status.state,
      ip: r.status.network?.ip ?? '',
      additionalIps: (r.status.network?.additional_ips ?? []).map((x) => x.ip),
    };
  }

  /** The sandbox's network namespace path (from the verbose status: the runtime spec's network namespace). */
  async sandboxNetns(id: string): Promise<string> {
    const r = await this.call<{ info: Record<string, string> }>('PodSandboxStatus', {
      pod_sandbox_id: id,
      verbose: true,
    });
    const info = JSON.parse(r.info?.info ?? '{}') as {
      runtimeSpec?: { linux?: { namespaces?: { type: string; path?: string }[] } };
    };
    const ns = info.runtimeSpec?.linux?.namespaces?.find((n) => n.type === 'network')?.path;
    if (!ns) throw new Error(`CRI PodSandboxStatus: no network namespace path for sandbox ${id}`);
    return ns;
  }

  async listPodSandbox(): Promise<{ id: string; state: string }[]> {
    const r = await this.call<{ items: { id: string; state: string }[] }>('ListPodSandbox', {});
    return r.items;
  }

  async stopPodSandbox(id: string): Promise<void> {
    await this.call('StopPodSandbox', { pod_sandbox_id: id });
  }

  async removePodSandbox(id: string): Promise<void> {
    await this.call('RemovePodSandbox', { pod_sandbox_id: id });
  }

  close(): void {
    this.client.close();
  }
}
