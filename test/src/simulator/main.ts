import { loadScenarioFile, resolveScenario, type ResolvedScenario, ScenarioError } from './scenario';
import { Simulator } from './simulator';

const USAGE = `usage: vpc-cni-ts-aws-sim [--scenario file.yaml|json] [--host 127.0.0.1] [--ec2-port N] [--imds-port M]
Starts the simulated EC2 + IMDS and prints the endpoints as one JSON line on stdout.`;

function parsePort(name: string, v: string | undefined): number {
  if (v === undefined || !/^\d+$/.test(v) || Number(v) > 65535)
    throw new Error(`${name} needs a port number 0..65535, got ${v ?? 'nothing'}`);
  return Number(v);
}

async function main(argv: string[]): Promise<number> {
  let scenarioPath: string | undefined;
  let host = '127.0.0.1';
  let ec2Port = 0;
  let imdsPort = 0;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    } else if (a === '--scenario') scenarioPath = argv[++i];
    else if (a === '--host') host = argv[++i] ?? host;
    else if (a === '--ec2-port') ec2Port = parsePort(a, argv[++i]);
    else if (a === '--imds-port') imdsPort = parsePort(a, argv[++i]);
    else throw new Error(`unknown argument ${a}\n${USAGE}`);
  }
  if (argv.includes('--scenario') && !scenarioPath) throw new Error('--scenario needs a file');
  const scenario: ResolvedScenario = scenarioPath ? loadScenarioFile(scenarioPath) : resolveScenario({});
  const sim = new Simulator(scenario, { host });
  await sim.listen(ec2Port, imdsPort);
  process.stdout.write(
    `${JSON.stringify({
      ec2Endpoint: sim.ec2Endpoint,
      imdsEndpoint: sim.imdsEndpoint,
      controlEndpoint: sim.controlEndpoint,
      region: sim.region,
      instanceId: sim.instanceId,
      instances: [...sim.world.instances.keys()],
    })}\n`,
  );
  const stop = (): void => {
    void sim.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return -1;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`${err instanceof ScenarioError || err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  },
);
