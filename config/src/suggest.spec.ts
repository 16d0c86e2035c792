import { closestNames, didYouMean, editDistance } from './suggest';

describe('suggest', () => {
  it('measures edit distance', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('ABC', 'abc')).toBe(0);
  });
  it('returns the closest names within the bound, best first', () => {
    expect(closestNames('m5.larg', ['m5.xlarge', 'm5.large', 'c5.large'])).toEqual([
      'm5.large',
      'm5.xlarge',
      'c5.large',
    ]);
    expect(closestNames('zzzzzz', ['m5.large'])).toEqual([]);
  });
  it('formats a hint or nothing', () => {
    expect(didYouMean('WARM_IP_TARGE', ['WARM_IP_TARGET', 'MAX_ENI'])).toBe("; did you mean 'WARM_IP_TARGET'?");
    expect(didYouMean('x', ['abcdef'])).toBe('');
    expect(didYouMean('ab', ['abc', 'abd', 'abe'])).toBe("; did you mean 'abc', 'abd' or 'abe'?");
  });
});
