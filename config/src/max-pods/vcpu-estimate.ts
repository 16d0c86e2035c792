/**
 * vCPUs of an instance type guessed from its size name (the part after the dot): nano..large are at most 2,
 * xlarge is 4, Nxlarge is 4N. Only used to pick the kubelet cap (110 up to 30 vCPUs, 250 above), where the guess
 * holds for the common families; `metal` and unusual sizes give undefined (the caller asks for --cpus).
 */
export function estimateVcpus(instanceType: string): number | undefined {
  const size = instanceType.slice(instanceType.indexOf('.') + 1);
  if (['nano', 'micro', 'small', 'medium', 'large'].includes(size)) return 2;
  if (size === 'xlarge') return 4;
  const m = /^(\d+)xlarge$/.exec(size);
  return m ? 4 * Number(m[1]) : undefined;
}
