import type { Clock, Logger, NodeStatus } from '../ports';
import type { KubeApi } from './kube-api';

/**
 * `NodeStatus` from the Node object: schedulable unless `spec.unschedulable` (cordoned). The answer is cached and
 * refreshed every `intervalMs`; until the first successful read, and while the API server cannot be reached, the
 * last known answer stands (initially schedulable).
 */
export class KubeNodeStatus implements NodeStatus {
  private unschedulable = false;
  private loop: Promise<void> | undefined;
  private readonly abort = new AbortController();
  private readonly log: Logger;

  constructor(
    private readonly kube: KubeApi,
    private readonly nodeName: string,
    private readonly clock: Clock,
    logger: Logger,
    private readonly intervalMs = 10_000,
  ) {
    this.log = logger.child({ component: 'node-status' });
  }

  isSchedulable(): boolean {
    return !this.unschedulable;
  }

  /** Read the node now; returns whether it could. */
  async refresh(): Promise<boolean> {
    try {
      const node = await this.kube.getNode(this.nodeName);
      if (node.unschedulable !== this.unschedulable)
        this.log.info({ node: this.nodeName, unschedulable: node.unschedulable }, 'node schedulability changed');
      this.unschedulable = node.unschedulable;
      return true;
    } catch (e) {
      this.log.warn(
        { node: this.nodeName, err: (e as Error).message },
        'cannot read the node; keeping the last answer',
      );
      return false;
    }
  }

  start(): void {
    if (this.loop) return;
    const signal = this.abort.signal;
    this.loop = (async () => {
      while (!signal.aborted) {
        await this.refresh();
        await this.clock.sleep(this.intervalMs, signal);
      }
    })();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
  }
}
