import { parseDemoArgs } from './demo-options';

describe('parseDemoArgs', () => {
  it('has defaults', () => {
    expect(parseDemoArgs([])).toEqual({
      instanceType: 'm5.large',
      pods: 4,
      prefixDelegation: false,
      plugins: 'sea',
      help: false,
    });
  });

  it('reads every option, with a space or =', () => {
    expect(
      parseDemoArgs(['--instance-type', 'c5.xlarge', '--pods=3', '--prefix-delegation', '--plugins', 'bundle']),
    ).toEqual({
      instanceType: 'c5.xlarge',
      pods: 3,
      prefixDelegation: true,
      plugins: 'bundle',
      help: false,
    });
    expect(parseDemoArgs(['-h']).help).toBe(true);
  });

  it.each([
    [['--pods', '0'], '--pods "0" must be an integer from 1 to 50'],
    [['--pods', '2.5'], '--pods "2.5" must be an integer from 1 to 50'],
    [['--pods', '51'], '--pods "51" must be an integer from 1 to 50'],
    [['--pods'], '--pods needs a value'],
    [['--instance-type', 'M5 large'], '--instance-type "M5 large" is not an instance type (e.g. m5.large)'],
    [['--plugins', 'go'], '--plugins "go" must be sea or bundle'],
    [['--nope'], 'unknown argument "--nope"'],
  ])('rejects %j naming the argument', (argv, message) => {
    expect(() => parseDemoArgs(argv)).toThrow(message);
  });
});
