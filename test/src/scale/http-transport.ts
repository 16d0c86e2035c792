import { SdkEc2Api } from '@vpc-cni-ts/ipamd/adapters/ec2';
import { MemoryMetrics, silentLogger, type Clock, type Ec2Api } from '@vpc-cni-ts/ipamd/ports';

/**
 * ipamd's real EC2 adapter (@aws-sdk/client-ec2) pointed at the simulator's HTTP endpoint. SDK-side retries are
 * off (one attempt) so the policy layer owns retries and every wait is on the virtual clock. Credentials come from
 * the environment (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY; the simulator checks none).
 */
export function sdkOverHttp(endpoint: string, region: string, clock: Clock): Ec2Api {
  return new SdkEc2Api(
    { region, endpoint, httpTimeoutMs: 10_000, maxAttempts: 1, throttleAttempts: 1, userAgent: 'vpc-cni-ts-scale-sim' },
    clock,
    new MemoryMetrics(),
    silentLogger,
  );
}
