import type { NodePoint } from './paper-node';

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A self-contained SVG line chart of addresses held and pods over time for one node. Pure. */
export function timelineSvg(points: readonly NodePoint[], title: string): string {
  const W = 760,
    H = 360,
    L = 56,
    R = 16,
    T = 40,
    B = 44;
  const tMax = Math.max(1, ...points.map((p) => p.t));
  const yMax = Math.max(1, ...points.map((p) => Math.max(p.held, p.pods)));
  const yTop = Math.ceil(yMax / 10) * 10 || 10;
  const x = (t: number) => L + ((W - L - R) * t) / tMax;
  const y = (v: number) => H - B - ((H - T - B) * v) / yTop;
  const line = (get: (p: NodePoint) => number) =>
    points.map((p) => `${x(p.t).toFixed(1)},${y(get(p)).toFixed(1)}`).join(' ');
  const ticks: string[] = [];
  for (let i = 0; i <= 5; i++) {
    const v = (yTop * i) / 5;
    ticks.push(
      `<line x1="${L}" x2="${W - R}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#e5e5e5"/><text x="${L - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${Math.round(v)}</text>`,
    );
    const tv = (tMax * i) / 5;
    ticks.push(
      `<text x="${x(tv).toFixed(1)}" y="${H - B + 16}" text-anchor="middle">${Math.round(tv / 60)} min</text>`,
    );
  }
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${L}" y="22" font-size="13" font-weight="bold">${esc(title)}</text>`,
    ...ticks,
    `<line x1="${L}" x2="${L}" y1="${T}" y2="${H - B}" stroke="#888"/><line x1="${L}" x2="${W - R}" y1="${H - B}" y2="${H - B}" stroke="#888"/>`,
    `<polyline fill="none" stroke="#1f77b4" stroke-width="2" points="${line((p) => p.held)}"/>`,
    `<polyline fill="none" stroke="#999" stroke-width="1.5" stroke-dasharray="4 3" points="${line((p) => p.pods)}"/>`,
    `<text x="${W - R - 180}" y="${T - 6}" fill="#1f77b4">addresses held</text><text x="${W - R - 80}" y="${T - 6}" fill="#777">pods</text>`,
    `<text x="${(L + W - R) / 2}" y="${H - 8}" text-anchor="middle">start-up, scale-up, 1 h churn, scale-down (one node, ipamd's planner, 5 s ticks)</text>`,
    `</svg>`,
    '',
  ].join('\n');
}
