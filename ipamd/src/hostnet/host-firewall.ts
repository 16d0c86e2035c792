import { execFile } from 'node:child_process';

import { type IpRuleSpec } from './desired-rules';
import { type IpRuleState } from './ip-rule-diff';

/** The kernel operations the host-network reconciler needs. */
export interface HostFirewall {
  save(family: 4 | 6): Promise<string>;
  restore(family: 4 | 6, script: string): Promise<void>;
  /** `nft list table ip <name>` output, or undefined when the table does not exist. */
  nftList(table: string): Promise<string | undefined>;
  nftApply(script: string): Promise<void>;
  listIpRules(family: 4 | 6): Promise<IpRuleState[]>;
  addIpRule(rule: IpRuleSpec): Promise<void>;
  delIpRule(rule: IpRuleSpec): Promise<void>;
}

/** A command failed: names the command line and carries its stderr. */
export class HostCommandError extends Error {
  constructor(
    readonly argv: readonly string[],
    readonly stderr: string,
  ) {
    super(`${argv.join(' ')}: ${stderr.trim() || 'failed'}`);
    this.name = 'HostCommandError';
  }
}

function ruleSelector(r: IpRuleSpec): string[] {
  return [
    ...(r.from ? ['from', r.from] : []),
    ...(r.ipproto !== undefined ? ['ipproto', String(r.ipproto)] : []),
    ...(r.fwmark ? ['fwmark', r.fwmark] : []),
    ...(r.to ? ['to', r.to] : []),
    'lookup',
    r.table,
    'priority',
    String(r.priority),
  ];
}

/**
 * Drives iptables-save/-restore, nft and ip, one process per operation, optionally inside a network namespace
 * given by path (through nsenter), which is how tests run ipamd's host rules on a namespace playing the node.
 */
export class ExecHostFirewall implements HostFirewall {
  constructor(private readonly netnsPath?: string) {}

  private run(argv: readonly string[], input?: string): Promise<string> {
    const full = this.netnsPath ? ['nsenter', `--net=${this.netnsPath}`, ...argv] : [...argv];
    return new Promise((resolve, reject) => {
      const child = execFile(
        full[0],
        full.slice(1),
        { encoding: 'utf8', maxBuffer: 32 << 20 },
        (err, stdout, stderr) => (err ? reject(new HostCommandError(argv, stderr || err.message)) : resolve(stdout)),
      );
      if (input !== undefined) child.stdin?.end(input);
    });
  }

  save(family: 4 | 6): Promise<string> {
    return this.run([family === 4 ? 'iptables-save' : 'ip6tables-save']);
  }

  async restore(family: 4 | 6, script: string): Promise<void> {
    await this.run([family === 4 ? 'iptables-restore' : 'ip6tables-restore', '--noflush', '-w', '5'], script);
  }

  async nftList(table: string): Promise<string | undefined> {
    try {
      return await this.run(['nft', 'list', 'table', 'ip', table]);
    } catch (err) {
      if (err instanceof HostCommandError && /No such file or directory/.test(err.stderr)) return undefined;
      throw err;
    }
  }

  async nftApply(script: string): Promise<void> {
    await this.run(['nft', '-f', '-'], script);
  }

  async listIpRules(family: 4 | 6): Promise<IpRuleState[]> {
    return JSON.parse((await this.run(['ip', `-${family}`, '-j', 'rule', 'show'])) || '[]') as IpRuleState[];
  }

  async addIpRule(r: IpRuleSpec): Promise<void> {
    await this.run(['ip', `-${r.family}`, 'rule', 'add', ...ruleSelector(r)]);
  }

  async delIpRule(r: IpRuleSpec): Promise<void> {
    await this.run(['ip', `-${r.family}`, 'rule', 'del', ...ruleSelector(r)]);
  }
}
