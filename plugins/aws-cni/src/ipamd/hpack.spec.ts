import { encodeHeaders, HpackDecoder, huffmanDecode } from './hpack';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('HPACK Huffman decoding (RFC 7541 C.4 vectors)', () => {
  it.each([
    ['f1e3 c2e5 f23a 6ba0 ab90 f4ff', 'www.example.com'],
    ['a8eb 1064 9cbf', 'no-cache'],
    ['25a8 49e9 5ba9 7d7f', 'custom-key'],
    ['25a8 49e9 5bb8 e8b4 bf', 'custom-value'],
  ])('%s -> %s', (h, text) => {
    expect(huffmanDecode(hex(h)).toString()).toBe(text);
  });
  it('rejects bad padding and EOS', () => {
    expect(() => huffmanDecode(hex('f1e3 c2e5 f23a 6ba0 ab90 f400'))).toThrow(/padding|code/);
    expect(() => huffmanDecode(hex('ffff ffff'))).toThrow();
  });
});

describe('HpackDecoder', () => {
  it('decodes RFC 7541 C.4.1-C.4.3 (Huffman, dynamic table across blocks)', () => {
    const d = new HpackDecoder();
    expect(d.decode(hex('8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff'))).toEqual([
      [':method', 'GET'],
      [':scheme', 'http'],
      [':path', '/'],
      [':authority', 'www.example.com'],
    ]);
    expect(d.decode(hex('8286 84be 5886 a8eb 1064 9cbf'))).toEqual([
      [':method', 'GET'],
      [':scheme', 'http'],
      [':path', '/'],
      [':authority', 'www.example.com'],
      ['cache-control', 'no-cache'],
    ]);
    expect(d.decode(hex('8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf'))).toEqual([
      [':method', 'GET'],
      [':scheme', 'https'],
      [':path', '/index.html'],
      [':authority', 'www.example.com'],
      ['custom-key', 'custom-value'],
    ]);
  });
  it('decodes never-indexed literals and size updates, and evicts', () => {
    const d = new HpackDecoder();
    // C.2.3: literal never indexed, new name "password" = "secret"
    expect(d.decode(hex('1008 7061 7373 776f 7264 0673 6563 7265 74'))).toEqual([['password', 'secret']]);
    // size update to 0, then an incremental literal that cannot be stored
    expect(d.decode(hex('20 400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572'))).toEqual([
      ['custom-key', 'custom-header'],
    ]);
    expect(() => d.decode(hex('be'))).toThrow(/no table entry/);
  });
  it('rejects truncated blocks', () => {
    expect(() => new HpackDecoder().decode(hex('4088 25a8'))).toThrow(/truncated/);
    expect(() => new HpackDecoder().decode(hex('ff'))).toThrow(/truncated/);
  });
});

describe('encodeHeaders', () => {
  it('round-trips through the decoder and indexes :method POST', () => {
    const h: [string, string][] = [
      [':method', 'POST'],
      [':scheme', 'http'],
      [':path', '/rpc.CNIBackend/AddNetwork'],
      ['te', 'trailers'],
      ['x'.repeat(200), 'y'],
    ];
    const b = encodeHeaders(h);
    expect(b[0]).toBe(0x83);
    expect(new HpackDecoder().decode(b)).toEqual(h);
  });
});
