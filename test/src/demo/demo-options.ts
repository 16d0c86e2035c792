/** What `make demo DEMO_ARGS="..."` accepts. */
export interface DemoOptions {
  readonly instanceType: string;
  readonly pods: number;
  readonly prefixDelegation: boolean;
  /** `bundle` runs the plugins as node bundles instead of the standalone executables. */
  readonly plugins: 'sea' | 'bundle';
  readonly help: boolean;
}

export const DEMO_USAGE = `usage: node test/dist/demo/main.js [--instance-type TYPE] [--pods N] [--prefix-delegation] [--plugins sea|bundle]
  --instance-type TYPE   EC2 instance type of the simulated node (default m5.large)
  --pods N               pods to create, 1..50 (default 4)
  --prefix-delegation    ENABLE_PREFIX_DELEGATION=true (/28 prefixes instead of single addresses)
  --plugins sea|bundle   install the plugins as standalone executables (default) or node bundles
make demo DEMO_ARGS="--instance-type m5.large --pods 3 --prefix-delegation"`;

/** Parses the demo's arguments; throws an Error naming the bad argument. */
export function parseDemoArgs(argv: readonly string[]): DemoOptions {
  let instanceType = 'm5.large';
  let pods = 4;
  let prefixDelegation = false;
  let plugins: DemoOptions['plugins'] = 'sea';
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes('=')
      ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
      : [arg];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new Error(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--instance-type': {
        instanceType = value();
        if (!/^[a-z0-9-]+\.[a-z0-9-]+$/.test(instanceType))
          throw new Error(`--instance-type "${instanceType}" is not an instance type (e.g. m5.large)`);
        break;
      }
      case '--pods': {
        const v = value();
        pods = Number(v);
        if (!/^\d+$/.test(v) || pods < 1 || pods > 50) throw new Error(`--pods "${v}" must be an integer from 1 to 50`);
        break;
      }
      case '--prefix-delegation':
        prefixDelegation = true;
        break;
      case '--plugins': {
        const v = value();
        if (v !== 'sea' && v !== 'bundle') throw new Error(`--plugins "${v}" must be sea or bundle`);
        plugins = v;
        break;
      }
      case '-h':
      case '--help':
        help = true;
        break;
      default:
        throw new Error(`unknown argument "${arg}"`);
    }
  }
  return Object.freeze({ instanceType, pods, prefixDelegation, plugins, help });
}
