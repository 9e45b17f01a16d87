/**
 * Draws the project's own sample villa photo (no stock image, no download): an SVG scene at golden
 * hour (sky, sea, a Mediterranean villa with terracotta roofs, terrace, pool, palms), rendered by
 * headless Chromium through playwright-core and saved as JPEG.
 *
 *   npx tsx scripts/make-sample-photo.ts   # writes remotion/public/sample/villa.jpg and villa-small.jpg
 *
 * Deterministic: the palms and flowers come from a seeded generator.
 */
import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { resolveBrowserExecutable } from '../remotion/browser-executable';

const OUT_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'remotion', 'public', 'sample');

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}
const rnd = seeded(7);
const f = (n: number) => n.toFixed(1);

type Pt = [number, number];
const quad = (a: Pt, c: Pt, b: Pt, t: number): Pt => [
  (1 - t) ** 2 * a[0] + 2 * (1 - t) * t * c[0] + t ** 2 * b[0],
  (1 - t) ** 2 * a[1] + 2 * (1 - t) * t * c[1] + t ** 2 * b[1],
];

/** A palm: a curved, ringed trunk and drooping fronds built from individual leaflets. */
function palm(base: Pt, lean: number, height: number, scale: number): string {
  const top: Pt = [base[0] + lean, base[1] - height];
  const ctrl: Pt = [base[0] + lean * 0.15, base[1] - height * 0.55];
  const left: Pt[] = [];
  const right: Pt[] = [];
  const rings: string[] = [];
  for (let i = 0; i <= 40; i++) {
    const t = i / 40;
    const [x, y] = quad(base, ctrl, top, t);
    const w = (26 - 12 * t) * scale;
    left.push([x - w / 2, y]);
    right.push([x + w / 2, y]);
    if (i % 2 === 0 && i < 39) rings.push(`<line x1="${f(x - w / 2)}" y1="${f(y)}" x2="${f(x + w / 2)}" y2="${f(y + 3 * scale)}" stroke="#4a3526" stroke-width="${f(1.6 * scale)}" opacity="0.55"/>`);
  }
  const trunk = `<path d="M${[...left, ...right.reverse()].map((p) => `${f(p[0])},${f(p[1])}`).join(' L')} Z" fill="url(#trunk)"/>`;
  const fronds: string[] = [];
  const count = 11;
  for (let k = 0; k < count; k++) {
    const angle = -Math.PI + (k / (count - 1)) * Math.PI * 1.0 + (rnd() - 0.5) * 0.25;
    const len = (230 + rnd() * 90) * scale;
    const tip: Pt = [top[0] + Math.cos(angle) * len, top[1] + Math.sin(angle) * len * 0.35 + len * 0.55];
    const c: Pt = [top[0] + Math.cos(angle) * len * 0.55, top[1] - len * (0.35 + rnd() * 0.15)];
    const shade = k % 3 === 0 ? '#2e4f26' : k % 3 === 1 ? '#3d6a2f' : '#4f7f38';
    const leaflets: string[] = [];
    for (let i = 2; i <= 34; i++) {
      const t = i / 35;
      const p = quad(top, c, tip, t);
      const q = quad(top, c, tip, Math.min(1, t + 0.02));
      const dx = q[0] - p[0];
      const dy = q[1] - p[1];
      const n = Math.hypot(dx, dy) || 1;
      const l = (70 * Math.sin(Math.PI * Math.min(1, t * 1.15)) + 8) * scale;
      for (const side of [-1, 1]) {
        // Leaflets hang: rotate the normal towards the ground.
        const nx = (-dy / n) * side * 0.55;
        const ny = Math.abs(dx / n) * 0.9 + 0.35;
        leaflets.push(`M${f(p[0])},${f(p[1])} l${f(nx * l + dx * 2.2)},${f(ny * l)}`);
      }
    }
    fronds.push(`<path d="${leaflets.join(' ')}" stroke="${shade}" stroke-width="${f(4.2 * scale)}" stroke-linecap="round" fill="none"/>`);
    fronds.push(`<path d="M${f(top[0])},${f(top[1])} Q${f(c[0])},${f(c[1])} ${f(tip[0])},${f(tip[1])}" stroke="#6f8f3e" stroke-width="${f(3.2 * scale)}" fill="none"/>`);
  }
  const coconuts = [0, 1, 2].map((i) => `<circle cx="${f(top[0] - 10 * scale + i * 10 * scale)}" cy="${f(top[1] + 12 * scale)}" r="${f(8 * scale)}" fill="#5b4123"/>`).join('');
  return `<g>${trunk}${rings.join('')}${coconuts}${fronds.join('')}</g>`;
}

function cypress(x: number, baseY: number, h: number, w: number): string {
  return `<path d="M${x},${baseY - h} C${x + w * 0.7},${baseY - h * 0.7} ${x + w * 0.6},${baseY - h * 0.15} ${x + w * 0.3},${baseY} L${x - w * 0.3},${baseY} C${x - w * 0.6},${baseY - h * 0.15} ${x - w * 0.7},${baseY - h * 0.7} ${x},${baseY - h} Z" fill="url(#cypress)"/>`;
}

/** A bush of bougainvillea: dark foliage with magenta blossoms. */
function bougainvillea(cx: number, cy: number, rx: number, ry: number): string {
  const parts: string[] = [`<ellipse cx="${cx}" cy="${cy}" rx="${rx}" ry="${ry}" fill="#2f5127"/>`];
  for (let i = 0; i < 140; i++) {
    const a = rnd() * Math.PI * 2;
    const r = Math.sqrt(rnd());
    const x = cx + Math.cos(a) * rx * r;
    const y = cy + Math.sin(a) * ry * r;
    const colour = ['#d63384', '#e0529c', '#c2185b', '#f06292', '#3d6a2f'][Math.floor(rnd() * 5)];
    parts.push(`<circle cx="${f(x)}" cy="${f(y)}" r="${f(5 + rnd() * 7)}" fill="${colour}" opacity="0.92"/>`);
  }
  return parts.join('');
}

function windowWithShutters(x: number, y: number, w: number, h: number): string {
  return `<rect x="${x - 22}" y="${y}" width="20" height="${h}" fill="#5d8a8a"/><rect x="${x + w + 2}" y="${y}" width="20" height="${h}" fill="#557f80"/>` +
    `<rect x="${x}" y="${y}" width="${w}" height="${h}" fill="url(#glow)" stroke="#5a3b28" stroke-width="5"/>` +
    `<line x1="${x + w / 2}" y1="${y}" x2="${x + w / 2}" y2="${y + h}" stroke="#5a3b28" stroke-width="4"/>` +
    `<line x1="${x}" y1="${y + h * 0.4}" x2="${x + w}" y2="${y + h * 0.4}" stroke="#5a3b28" stroke-width="3"/>`;
}

function arch(cx: number, baseY: number, w: number, h: number): string {
  const r = w / 2;
  return `<path d="M${cx - r},${baseY} L${cx - r},${baseY - h + r} A${r},${r} 0 0 1 ${cx + r},${baseY - h + r} L${cx + r},${baseY} Z" fill="url(#glow)" stroke="#d9c1a0" stroke-width="10"/>` +
    `<path d="M${cx - r + 18},${baseY} L${cx - r + 18},${baseY - h + r + 10} A${r - 18},${r - 18} 0 0 1 ${cx + r - 18},${baseY - h + r + 10} L${cx + r - 18},${baseY}" fill="none" stroke="#6b4a32" stroke-width="4"/>`;
}

function lounger(x: number, y: number, s: number): string {
  return `<g transform="translate(${x},${y}) scale(${s})"><rect x="0" y="14" width="120" height="10" rx="3" fill="#f7f2ea"/><path d="M0,14 L-22,-14 L-12,-16 L8,12 Z" fill="#f7f2ea"/><rect x="4" y="24" width="5" height="14" fill="#8a6a4a"/><rect x="108" y="24" width="5" height="14" fill="#8a6a4a"/><rect x="0" y="24" width="120" height="4" fill="#000" opacity="0.12"/></g>`;
}

function umbrella(x: number, y: number, s: number): string {
  return `<g transform="translate(${x},${y}) scale(${s})"><rect x="-3" y="-110" width="6" height="110" fill="#6b4f37"/><path d="M-95,-100 Q0,-165 95,-100 Z" fill="#efe4cf"/><path d="M-95,-100 Q0,-120 95,-100" stroke="#d8c7a7" stroke-width="4" fill="none"/><path d="M0,-158 L0,-100" stroke="#d8c7a7" stroke-width="2"/></g>`;
}

function villa(): string {
  return `
  <!-- right wing -->
  <rect x="1290" y="500" width="300" height="215" fill="url(#wallShade)"/>
  <polygon points="1272,502 1608,502 1560,448 1320,448" fill="url(#roof)"/>
  <rect x="1272" y="502" width="336" height="12" fill="#000" opacity="0.18"/>
  <rect x="1330" y="560" width="220" height="140" fill="url(#glow)" stroke="#5a3b28" stroke-width="5"/>
  <line x1="1403" y1="560" x2="1403" y2="700" stroke="#5a3b28" stroke-width="4"/><line x1="1477" y1="560" x2="1477" y2="700" stroke="#5a3b28" stroke-width="4"/>
  <!-- left wing with roof terrace -->
  <rect x="420" y="545" width="300" height="170" fill="url(#wallLit)"/>
  <rect x="410" y="530" width="320" height="18" fill="#efe1c9"/>
  ${Array.from({ length: 17 }, (_, i) => `<rect x="${418 + i * 18.5}" y="500" width="7" height="30" rx="3" fill="#f4e8d4"/>`).join('')}
  <rect x="410" y="494" width="320" height="9" fill="#f7eddc"/>
  ${arch(500, 700, 96, 120)}${arch(640, 700, 96, 120)}
  <!-- cypresses behind the main block -->
  ${cypress(1265, 430, 250, 70)}
  <!-- main block -->
  <rect x="700" y="400" width="600" height="315" fill="url(#wallMain)"/>
  <polygon points="676,404 1324,404 1236,318 764,318" fill="url(#roof)"/>
  ${Array.from({ length: 24 }, (_, i) => `<line x1="${690 + i * 27}" y1="404" x2="${772 + i * 19.7}" y2="318" stroke="#7e3820" stroke-width="2" opacity="0.35"/>`).join('')}
  <rect x="676" y="404" width="648" height="14" fill="#000" opacity="0.2"/>
  <rect x="668" y="398" width="664" height="8" fill="#a94e2d"/>
  ${windowWithShutters(770, 440, 74, 112)}${windowWithShutters(900, 440, 74, 112)}${windowWithShutters(1026, 440, 74, 112)}${windowWithShutters(1156, 440, 74, 112)}
  <!-- balcony -->
  <rect x="720" y="574" width="560" height="12" fill="#e8d5b6"/>
  ${Array.from({ length: 29 }, (_, i) => `<rect x="${728 + i * 19.3}" y="548" width="4" height="26" fill="#3b2a20"/>`).join('')}
  <rect x="720" y="545" width="560" height="5" fill="#3b2a20"/>
  <rect x="720" y="586" width="560" height="10" fill="#000" opacity="0.12"/>
  ${arch(820, 712, 120, 112)}${arch(1000, 712, 120, 112)}${arch(1180, 712, 120, 112)}
  <!-- lit edge and the shaded corner of the main block -->
  <rect x="700" y="400" width="6" height="315" fill="#fff4de" opacity="0.8"/>
  <rect x="1285" y="400" width="15" height="315" fill="#000" opacity="0.1"/>`;
}

export function sceneSvg(): string {
  const sunX = 262;
  const sunY = 492;
  const reflections = Array.from({ length: 26 }, (_, i) => {
    const y = 530 + i * 7 + rnd() * 3;
    const w = 30 + rnd() * 80 + i * 4;
    return `<rect x="${f(sunX - w / 2 + (rnd() - 0.5) * 30)}" y="${f(y)}" width="${f(w)}" height="2.5" fill="#ffe2a8" opacity="${f(0.75 - i * 0.022)}"/>`;
  }).join('');
  const caustics = Array.from({ length: 22 }, (_, i) => {
    const y = 820 + i * 11 + rnd() * 8;
    const x = 140 + rnd() * 1500;
    const w = 80 + rnd() * 220;
    return `<path d="M${f(x)},${f(y)} q${f(w / 4)},-6 ${f(w / 2)},0 t${f(w / 2)},0" stroke="#e9fbff" stroke-width="${f(1.5 + rnd() * 2)}" fill="none" opacity="${f(0.25 + rnd() * 0.35)}"/>`;
  }).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1920 1080" width="100%" height="100%" preserveAspectRatio="xMidYMid slice">
  <defs>
    <linearGradient id="sky" x1="0" y1="0" x2="0" y2="1">
      <stop offset="0" stop-color="#33558a"/><stop offset="0.38" stop-color="#8b86ad"/>
      <stop offset="0.68" stop-color="#eaa07c"/><stop offset="0.9" stop-color="#fbc57f"/><stop offset="1" stop-color="#ffe0a6"/>
    </linearGradient>
    <radialGradient id="sunGlow" cx="${sunX}" cy="${sunY}" r="520" gradientUnits="userSpaceOnUse">
      <stop offset="0" stop-color="#fff6d8" stop-opacity="0.95"/><stop offset="0.18" stop-color="#ffd98f" stop-opacity="0.6"/><stop offset="1" stop-color="#ffb46b" stop-opacity="0"/>
    </radialGradient>
    <linearGradient id="sea" x1="0" y1="0" x2="0" y2="1">
      <stop offset="0" stop-color="#e6a47e"/><stop offset="0.25" stop-color="#7b89a6"/><stop offset="1" stop-color="#2f5f82"/>
    </linearGradient>
    <linearGradient id="roof" x1="0" y1="0" x2="1" y2="0">
      <stop offset="0" stop-color="#d5724a"/><stop offset="1" stop-color="#9c4529"/>
    </linearGradient>
    <linearGradient id="wallMain" x1="0" y1="0" x2="1" y2="0">
      <stop offset="0" stop-color="#fde8c9"/><stop offset="1" stop-color="#e6c9a3"/>
    </linearGradient>
    <linearGradient id="wallLit" x1="0" y1="0" x2="1" y2="0">
      <stop offset="0" stop-color="#ffecd0"/><stop offset="1" stop-color="#f1d8b5"/>
    </linearGradient>
    <linearGradient id="wallShade" x1="0" y1="0" x2="1" y2="0">
      <stop offset="0" stop-color="#dcbf9b"/><stop offset="1" stop-color="#c9aa86"/>
    </linearGradient>
    <linearGradient id="glow" x1="0" y1="0" x2="0" y2="1">
      <stop offset="0" stop-color="#ffe3a1"/><stop offset="1" stop-color="#e89a45"/>
    </linearGradient>
    <linearGradient id="cypress" x1="0" y1="0" x2="1" y2="0">
      <stop offset="0" stop-color="#3f5f2e"/><stop offset="1" stop-color="#1f3a1f"/>
    </linearGradient>
    <linearGradient id="trunk" x1="0" y1="0" x2="1" y2="0">
      <stop offset="0" stop-color="#b08a64"/><stop offset="1" stop-color="#6d5038"/>
    </linearGradient>
    <linearGradient id="terrace" x1="0" y1="0" x2="0" y2="1">
      <stop offset="0" stop-color="#e9d2ad"/><stop offset="1" stop-color="#d2b48a"/>
    </linearGradient>
    <linearGradient id="pool" x1="0" y1="0" x2="0" y2="1">
      <stop offset="0" stop-color="#8fd8df"/><stop offset="0.35" stop-color="#3fb3c8"/><stop offset="1" stop-color="#137a9c"/>
    </linearGradient>
    <linearGradient id="deck" x1="0" y1="0" x2="0" y2="1">
      <stop offset="0" stop-color="#e7cfa8"/><stop offset="1" stop-color="#b99770"/>
    </linearGradient>
    <radialGradient id="vignette" cx="0.5" cy="0.5" r="0.75">
      <stop offset="0.6" stop-color="#000" stop-opacity="0"/><stop offset="1" stop-color="#1a0d05" stop-opacity="0.45"/>
    </radialGradient>
    <filter id="soft"><feGaussianBlur stdDeviation="18"/></filter>
    <filter id="blur4"><feGaussianBlur stdDeviation="4"/></filter>
    <clipPath id="poolClip"><polygon points="150,800 1770,800 1880,1010 40,1010"/></clipPath>
    <g id="villa">${villa()}</g>
  </defs>
  <rect width="1920" height="560" fill="url(#sky)"/>
  <g filter="url(#soft)" opacity="0.65">
    <ellipse cx="760" cy="190" rx="260" ry="26" fill="#f6b8a0"/><ellipse cx="1380" cy="130" rx="340" ry="30" fill="#e9a9a4"/>
    <ellipse cx="1650" cy="260" rx="220" ry="20" fill="#ffc99a"/><ellipse cx="420" cy="300" rx="200" ry="16" fill="#ffd3a3"/>
  </g>
  <rect width="1920" height="700" fill="url(#sunGlow)"/>
  <circle cx="${sunX}" cy="${sunY}" r="46" fill="#fff4cf"/>
  <path d="M1180,528 L1330,488 L1460,470 L1600,478 L1760,458 L1920,462 L1920,530 Z" fill="#8c7395" opacity="0.75"/>
  <path d="M0,522 L120,508 L260,516 L340,528 Z" fill="#97809b" opacity="0.6"/>
  <rect y="526" width="1920" height="190" fill="url(#sea)"/>
  ${reflections}
  <!-- garden behind the terrace -->
  <path d="M0,640 C300,610 500,640 700,625 L1300,625 C1500,615 1700,630 1920,610 L1920,730 L0,730 Z" fill="#3d5f2d"/>
  ${cypress(405, 700, 330, 80)}${cypress(1660, 700, 360, 86)}${cypress(1760, 705, 300, 74)}
  <use href="#villa"/>
  <!-- shrubs along the villa -->
  ${bougainvillea(420, 700, 60, 30)}${bougainvillea(1600, 705, 70, 32)}
  <!-- terrace -->
  <polygon points="0,715 1920,715 1920,800 0,800" fill="url(#terrace)"/>
  ${Array.from({ length: 16 }, (_, i) => `<line x1="${i * 128}" y1="715" x2="${(i * 128 - 960) * 1.12 + 960}" y2="800" stroke="#c7a97f" stroke-width="2" opacity="0.6"/>`).join('')}
  <line x1="0" y1="756" x2="1920" y2="756" stroke="#c7a97f" stroke-width="2" opacity="0.5"/>
  ${lounger(560, 742, 1)}${lounger(760, 742, 1)}${lounger(1230, 742, 1)}${umbrella(700, 780, 1)}${umbrella(1420, 780, 1)}
  <!-- pool with coping, reflections and caustics, on a stone deck -->
  <rect y="798" width="1920" height="282" fill="url(#deck)"/>
  <polygon points="130,792 1790,792 1905,1022 15,1022" fill="#efe2cb"/>
  <polygon points="150,800 1770,800 1880,1010 40,1010" fill="url(#pool)"/>
  <g clip-path="url(#poolClip)" opacity="0.28" filter="url(#blur4)">
    <use href="#villa" transform="translate(0,1600) scale(1,-1)"/>
  </g>
  <g clip-path="url(#poolClip)">${caustics}
    <rect x="150" y="800" width="1620" height="12" fill="#0b5a73" opacity="0.35"/>
  </g>
  <!-- foreground deck -->
  <polygon points="0,1022 1920,1022 1920,1080 0,1080" fill="url(#deck)"/>
  ${palm([110, 1075], 40, 690, 1.1)}${palm([1730, 1075], -90, 760, 1.2)}${palm([1560, 790], 40, 440, 0.7)}
  ${bougainvillea(90, 1040, 160, 70)}${bougainvillea(1860, 1050, 150, 60)}
  <rect width="1920" height="1080" fill="#ff9d4d" opacity="0.07" style="mix-blend-mode:soft-light"/>
  <rect width="1920" height="1080" fill="url(#vignette)"/>
</svg>`;
}

async function main(): Promise<void> {
  // Refuses with how to get one when the machine has no Chromium.
  const executablePath = resolveBrowserExecutable(undefined);
  mkdirSync(OUT_DIR, { recursive: true });
  const svg = sceneSvg();
  const browser = await chromium.launch({
    executablePath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    for (const [name, width, height, quality] of [['villa.jpg', 1920, 1080, 86], ['villa-small.jpg', 640, 360, 85]] as const) {
      const page = await browser.newPage({ viewport: { width, height } });
      await page.setContent(`<!doctype html><html><body style="margin:0;overflow:hidden">${svg}</body></html>`);
      const out = path.join(OUT_DIR, name);
      await page.screenshot({ path: out, type: 'jpeg', quality, fullPage: false });
      await page.close();
      console.log(`${name}: ${width}x${height}, ${Math.round(statSync(out).size / 1024)} KB`);
    }
  } finally {
    await browser.close();
  }
}

await main();
