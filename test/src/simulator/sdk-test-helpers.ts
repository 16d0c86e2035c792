/** Test helper: awaits a call expected to fail and returns the EC2 error code and HTTP status the SDK saw. */
export async function ec2Failure(p: Promise<unknown>): Promise<{ code: string; status?: number; message: string }> {
  try {
    await p;
  } catch (err) {
    const e = err as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { code: e.name, status: e.$metadata?.httpStatusCode, message: e.message };
  }
  throw new Error('expected the call to fail, it succeeded');
}
