/** HTTP status EC2 answers with for an error code (400 unless listed). */
const STATUS: Record<string, number> = {
  RequestLimitExceeded: 503,
  InternalError: 500,
  InternalFailure: 500,
  ServiceUnavailable: 503,
  Unavailable: 503,
  UnauthorizedOperation: 403,
  AuthFailure: 401,
  Blocked: 403,
};

export function statusForCode(code: string): number {
  return STATUS[code] ?? 400;
}

/** The one error type of the simulator's EC2 side: an EC2 error code, its message, and the HTTP status. */
export class Ec2Error extends Error {
  readonly status: number;
  constructor(
    readonly code: string,
    message: string,
    status?: number,
  ) {
    super(message);
    this.name = 'Ec2Error';
    this.status = status ?? statusForCode(code);
  }
}

export const missing = (name: string): Ec2Error =>
  new Ec2Error('MissingParameter', `The request must contain the parameter ${name}`);

export const invalidValue = (message: string): Ec2Error => new Ec2Error('InvalidParameterValue', message);

export const invalidCombination = (message: string): Ec2Error => new Ec2Error('InvalidParameterCombination', message);
