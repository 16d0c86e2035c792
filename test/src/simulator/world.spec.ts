import { ManualClock } from './clock';
import { Ec2Error } from './ec2-error';
import { resolveScenario } from './scenario';
import { World } from './world';

function world(timing = { attachDelayMs: 1000, detachDelayMs: 500, imdsLagMs: 2000 }): {
  w: World;
  clock: ManualClock;
} {
  const clock = new ManualClock();
  const w = new World(resolveScenario({ timing }), clock);
  return { w, clock };
}

const code = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    if (err instanceof Ec2Error) return err.code;
    throw err;
  }
  return 'no error';
};

describe('World', () => {
  it('attaching -> attached after the delay; IMDS shows it lag later', () => {
    const { w, clock } = world();
    const inst = [...w.instances.values()][0];
    const subnet = w.resolveSubnet('pods-a')!;
    const eni = w.createNetworkInterface({ subnetId: subnet.subnetId });
    w.attachNetworkInterface(eni.networkInterfaceId, inst.instanceId, 1);
    expect(eni.attachment?.status).toBe('attaching');
    clock.advance(999);
    w.settle();
    expect(eni.attachment?.status).toBe('attaching');
    clock.advance(1);
    w.settle();
    expect(eni.attachment?.status).toBe('attached');
    expect(w.imdsViewNow(inst.instanceId)?.interfaces.has(eni.macAddress)).toBe(false);
    clock.advance(1999);
    expect(w.imdsViewNow(inst.instanceId)?.interfaces.has(eni.macAddress)).toBe(false);
    clock.advance(1);
    expect(w.imdsViewNow(inst.instanceId)?.interfaces.get(eni.macAddress)?.deviceNumber).toBe(1);
  });

  it('IMDS trails assign and unassign by the lag', () => {
    const { w, clock } = world({ attachDelayMs: 0, detachDelayMs: 0, imdsLagMs: 300 });
    const inst = [...w.instances.values()][0];
    const mac = w.enis.get(inst.primaryEniId)!.macAddress;
    w.assignPrivateIpAddresses(inst.primaryEniId, { count: 2 });
    expect(w.imdsViewNow(inst.instanceId)!.interfaces.get(mac)!.localIpv4s).toHaveLength(1);
    clock.advance(300);
    expect(w.imdsViewNow(inst.instanceId)!.interfaces.get(mac)!.localIpv4s).toHaveLength(3);
    const second = w.imdsViewNow(inst.instanceId)!.interfaces.get(mac)!.localIpv4s[1];
    w.unassignPrivateIpAddresses(inst.primaryEniId, { addresses: [second] });
    clock.advance(299);
    expect(w.imdsViewNow(inst.instanceId)!.interfaces.get(mac)!.localIpv4s).toHaveLength(3);
    clock.advance(1);
    expect(w.imdsViewNow(inst.instanceId)!.interfaces.get(mac)!.localIpv4s).toHaveLength(2);
  });

  it('detach goes through detaching; delete needs it detached; addresses return to the subnet', () => {
    const { w, clock } = world({ attachDelayMs: 0, detachDelayMs: 500, imdsLagMs: 0 });
    const inst = [...w.instances.values()][0];
    const subnet = w.resolveSubnet('pods-a')!;
    const before = subnet.pool.available;
    const eni = w.createNetworkInterface({ subnetId: subnet.subnetId, secondaryPrivateIpAddressCount: 4 });
    expect(subnet.pool.available).toBe(before - 5);
    const { attachmentId } = w.attachNetworkInterface(eni.networkInterfaceId, inst.instanceId, 1);
    w.detachNetworkInterface(attachmentId);
    expect(eni.attachment?.status).toBe('detaching');
    expect(code(() => w.deleteNetworkInterface(eni.networkInterfaceId))).toBe('InvalidNetworkInterface.InUse');
    clock.advance(500);
    w.deleteNetworkInterface(eni.networkInterfaceId);
    expect(subnet.pool.available).toBe(before);
    expect(code(() => w.detachNetworkInterface(attachmentId))).toBe('InvalidAttachmentID.NotFound');
  });

  it('terminating an instance deletes delete-on-termination ENIs and leaks the others', () => {
    const { w } = world({ attachDelayMs: 0, detachDelayMs: 0, imdsLagMs: 0 });
    const inst = w.addInstance({ instanceType: 't3.medium', subnet: 'node-a' });
    const a = w.createNetworkInterface({ subnetId: inst.subnetId });
    const b = w.createNetworkInterface({ subnetId: inst.subnetId });
    const att = w.attachNetworkInterface(a.networkInterfaceId, inst.instanceId, 1);
    w.attachNetworkInterface(b.networkInterfaceId, inst.instanceId, 2);
    w.modifyNetworkInterfaceAttribute(a.networkInterfaceId, {
      kind: 'attachment',
      attachmentId: att.attachmentId,
      deleteOnTermination: true,
    });
    w.terminateInstance(inst.instanceId);
    expect(w.enis.has(inst.primaryEniId)).toBe(false);
    expect(w.enis.has(a.networkInterfaceId)).toBe(false);
    expect(w.enis.get(b.networkInterfaceId)?.attachment).toBeUndefined();
    expect(w.instances.get(inst.instanceId)?.state).toBe('terminated');
  });

  it('ids and MACs are deterministic for a seed', () => {
    const a = world().w;
    const b = world().w;
    expect([...a.enis.keys()]).toEqual([...b.enis.keys()]);
    expect([...a.instances.keys()][0]).toMatch(/^i-[0-9a-f]{17}$/);
  });

  it('holds hundreds of instances with their own ENIs and IMDS views', () => {
    const clock = new ManualClock();
    const w = new World(
      resolveScenario({ timing: { attachDelayMs: 0, detachDelayMs: 0, imdsLagMs: 0 }, instances: [] }),
      clock,
    );
    const t0 = Date.now();
    const ids: string[] = [];
    for (let i = 0; i < 300; i++) {
      const inst = w.addInstance({ instanceType: 'm5.xlarge', subnet: i % 2 ? 'node-a' : 'node-b' });
      ids.push(inst.instanceId);
      const eni = w.createNetworkInterface({ subnetId: inst.subnetId, secondaryPrivateIpAddressCount: 4 });
      w.attachNetworkInterface(eni.networkInterfaceId, inst.instanceId, 1);
      w.assignPrivateIpAddresses(eni.networkInterfaceId, { count: 2 });
    }
    expect(w.instances.size).toBe(300);
    expect(w.enis.size).toBe(600);
    const v = w.imdsViewNow(ids[123])!;
    expect(v.instanceId).toBe(ids[123]);
    expect(v.interfaces.size).toBe(2);
    expect([...v.interfaces.values()][1].localIpv4s).toHaveLength(7);
    expect(Date.now() - t0).toBeLessThan(3000);
  });
});
