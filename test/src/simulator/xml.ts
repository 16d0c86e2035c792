/** A value the EC2 XML writer understands: arrays become `<item>` lists, objects become elements. */
export type XmlValue = string | number | boolean | undefined | null | Date | readonly XmlValue[] | XmlObject;
export interface XmlObject {
  readonly [key: string]: XmlValue;
}

export const EC2_NAMESPACE = 'http://ec2.amazonaws.com/doc/2016-11-15/';

export function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) =>
    c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '&' ? '&amp;' : c === '"' ? '&quot;' : '&apos;',
  );
}

function write(out: string[], v: XmlValue): void {
  if (v === undefined || v === null) return;
  if (typeof v === 'string') out.push(escapeXml(v));
  else if (typeof v === 'number' || typeof v === 'boolean') out.push(String(v));
  else if (v instanceof Date) out.push(v.toISOString());
  else if (Array.isArray(v)) {
    for (const item of v as readonly XmlValue[]) {
      out.push('<item>');
      write(out, item);
      out.push('</item>');
    }
  } else {
    for (const [k, child] of Object.entries(v as XmlObject)) {
      if (child === undefined || child === null) continue;
      out.push(`<${k}>`);
      write(out, child);
      out.push(`</${k}>`);
    }
  }
}

/** `<XResponse xmlns=...><requestId>..</requestId>...</XResponse>` as EC2 answers a successful call. */
export function successXml(action: string, requestId: string, body: XmlObject): string {
  const out: string[] = [
    `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${EC2_NAMESPACE}"><requestId>${requestId}</requestId>`,
  ];
  write(out, body);
  out.push(`</${action}Response>`);
  return out.join('');
}

/** EC2's error document. */
export function errorXml(code: string, message: string, requestId: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${escapeXml(code)}</Code>` +
    `<Message>${escapeXml(message)}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`
  );
}
