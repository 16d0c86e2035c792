import { EC2Client } from '@aws-sdk/client-ec2';
import { MetadataService } from '@aws-sdk/ec2-metadata-service';

/** Static credentials the simulator accepts (it checks none). Pass a copy: the SDK annotates the object. */
export const SIM_CREDENTIALS = Object.freeze({
  accessKeyId: 'AKIASIMULATOR0000000',
  secretAccessKey: 'simulator-secret',
});

/** A real EC2 client pointed at a simulator endpoint. `maxAttempts: 1` turns SDK retries off (throttling tests). */
export function ec2ClientFor(
  sim: { ec2Endpoint: string; region: string },
  opts: { maxAttempts?: number } = {},
): EC2Client {
  return new EC2Client({
    endpoint: sim.ec2Endpoint,
    region: sim.region,
    credentials: { ...SIM_CREDENTIALS },
    maxAttempts: opts.maxAttempts ?? 3,
  });
}

/** A real IMDSv2 client (token flow included) for a simulator IMDS endpoint, without retries. */
export function imdsClientFor(endpoint: string): MetadataService {
  return new MetadataService({ endpoint, retries: 0, httpOptions: { timeout: 2000 } });
}
