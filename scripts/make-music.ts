/**
 * Synthesises the template's music beds (shared/domain/music.ts) from nothing: additive pads, a soft bass,
 * plucked arpeggios and (for one bed) filtered-noise waves, through a small Schroeder reverb, then
 * encodes them to MP3 with the FFmpeg inside Remotion's compositor package.
 *
 *   npx tsx scripts/make-music.ts            # writes remotion/public/music/*.mp3
 *
 * Deterministic (seeded noise), so a re-run produces the same audio.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MUSIC_FILES, type MusicFile } from '../shared/domain/music';
import { ffmpegPath } from '../remotion/ffmpeg-binaries';

const SAMPLE_RATE = 44_100;
const SECONDS = 30;
const OUT_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'remotion', 'public', 'music');

type Stereo = { l: Float32Array; r: Float32Array };

interface Bed {
  bpm: number;
  /** One chord per bar, MIDI notes low to high; the lowest note is the root. */
  chords: number[][];
  padGain: number;
  /** Arpeggio: steps per beat (2 = eighths), and the chance that a step plays. */
  arpStepsPerBeat: number;
  arpDensity: number;
  arpGain: number;
  /** Partials of the pluck voice (ratio, level, decay seconds): a bell for ocean, a soft piano otherwise. */
  pluckPartials: Array<[number, number, number]>;
  waves: number;
  reverbMix: number;
  brightness: number;
}

const SOFT_KEYS: Array<[number, number, number]> = [[1, 1, 1.6], [2, 0.35, 0.7], [3, 0.12, 0.35], [4, 0.05, 0.2]];
const BELL: Array<[number, number, number]> = [[1, 1, 2.4], [2, 0.3, 1.2], [3.01, 0.08, 0.6]];

const BEDS: Record<MusicFile, Bed> = {
  // Warm and neutral: C major, Cmaj7 / Am7 / Fmaj7 / G(add9).
  'background-music.mp3': {
    bpm: 76,
    chords: [[48, 55, 59, 64, 67], [45, 52, 55, 60, 64], [41, 53, 57, 60, 64], [43, 50, 55, 57, 59]],
    padGain: 0.22, arpStepsPerBeat: 2, arpDensity: 0.85, arpGain: 0.16, pluckPartials: SOFT_KEYS,
    waves: 0, reverbMix: 0.3, brightness: 0.5,
  },
  // Brighter and a little faster: D major, Dmaj9 / Bm7 / Gmaj7 / A6.
  'golden-hour.mp3': {
    bpm: 92,
    chords: [[50, 57, 61, 64, 66], [47, 54, 57, 62, 66], [43, 54, 57, 59, 62], [45, 52, 57, 61, 66]],
    padGain: 0.18, arpStepsPerBeat: 2, arpDensity: 0.95, arpGain: 0.18, pluckPartials: SOFT_KEYS,
    waves: 0, reverbMix: 0.28, brightness: 0.7,
  },
  // Slow and airy with surf: E major, Emaj7 / C#m7 / Amaj7 / B6sus.
  'ocean-breeze.mp3': {
    bpm: 64,
    chords: [[52, 56, 59, 63, 64], [49, 56, 59, 61, 64], [45, 56, 57, 61, 64], [47, 54, 56, 59, 64]],
    padGain: 0.24, arpStepsPerBeat: 1, arpDensity: 0.7, arpGain: 0.12, pluckPartials: BELL,
    waves: 0.08, reverbMix: 0.38, brightness: 0.35,
  },
};

const hz = (midi: number) => 440 * 2 ** ((midi - 69) / 12);

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A sustained chord tone: three detuned voices spread across the stereo field, smooth attack and release. */
function addPad(out: Stereo, freq: number, start: number, length: number, gain: number, brightness: number, rnd: () => number): void {
  const attack = 1.4;
  const release = 2.2;
  const first = Math.floor(start * SAMPLE_RATE);
  const last = Math.min(out.l.length, Math.floor((start + length + release) * SAMPLE_RATE));
  const detunes = [-7, 0, 7].map((cents) => freq * 2 ** (cents / 1200));
  const phases = detunes.map(() => rnd() * Math.PI * 2);
  const pans = [0.2, 0.5, 0.8];
  for (let i = first; i < last; i++) {
    const t = i / SAMPLE_RATE - start;
    let env = t < attack ? Math.sin((t / attack) * (Math.PI / 2)) ** 2 : 1;
    if (t > length) env *= Math.exp(-(t - length) / (release / 4));
    const swell = 0.85 + 0.15 * Math.sin(2 * Math.PI * 0.17 * (t + start) + freq);
    for (let v = 0; v < 3; v++) {
      const w = 2 * Math.PI * detunes[v]! * t + phases[v]!;
      const s = (Math.sin(w) + 0.3 * brightness * Math.sin(2 * w) + 0.1 * brightness * Math.sin(3 * w)) * env * swell * gain / 3;
      out.l[i]! += s * (1 - pans[v]!);
      out.r[i]! += s * pans[v]!;
    }
  }
}

/** A plucked note: partials that decay at their own rates after a 6 ms attack. */
function addPluck(out: Stereo, freq: number, start: number, gain: number, pan: number, partials: Array<[number, number, number]>): void {
  const first = Math.floor(start * SAMPLE_RATE);
  const last = Math.min(out.l.length, first + Math.floor(3.5 * SAMPLE_RATE));
  for (let i = first; i < last; i++) {
    const t = i / SAMPLE_RATE - start;
    const attack = Math.min(1, t / 0.006);
    let s = 0;
    for (const [ratio, level, decay] of partials) s += level * Math.exp(-t / decay) * Math.sin(2 * Math.PI * freq * ratio * t);
    s *= attack * gain;
    out.l[i]! += s * (1 - pan);
    out.r[i]! += s * pan;
  }
}

/** Surf: low-passed noise swelling and receding on a slow, irregular cycle. */
function addWaves(out: Stereo, gain: number, rnd: () => number): void {
  let lpL = 0;
  let lpR = 0;
  for (let i = 0; i < out.l.length; i++) {
    const t = i / SAMPLE_RATE;
    const swell = Math.max(0, Math.sin(2 * Math.PI * t / 7.3)) ** 2 * 0.8 + Math.max(0, Math.sin(2 * Math.PI * (t + 2.1) / 11.1)) ** 3 * 0.5;
    const cutoff = 0.02 + 0.05 * swell;
    lpL += cutoff * (rnd() * 2 - 1 - lpL);
    lpR += cutoff * (rnd() * 2 - 1 - lpR);
    out.l[i]! += lpL * swell * gain * 6;
    out.r[i]! += lpR * swell * gain * 6;
  }
}

/** A small Schroeder reverb (four combs, two all-passes per channel) for space around the notes. */
function reverb(input: Float32Array, combs: number[], mix: number): Float32Array {
  const wet = new Float32Array(input.length);
  for (const delay of combs) {
    const buf = new Float32Array(delay);
    let idx = 0;
    let damp = 0;
    for (let i = 0; i < input.length; i++) {
      const y = buf[idx]!;
      damp = y * 0.6 + damp * 0.4;
      buf[idx] = input[i]! + damp * 0.84;
      wet[i]! += y / combs.length;
      idx = (idx + 1) % delay;
    }
  }
  for (const delay of [556, 441]) {
    const buf = new Float32Array(delay);
    let idx = 0;
    for (let i = 0; i < wet.length; i++) {
      const delayed = buf[idx]!;
      const x = wet[i]!;
      buf[idx] = x + delayed * 0.5;
      wet[i] = delayed - x * 0.5;
      idx = (idx + 1) % delay;
    }
  }
  const out = new Float32Array(input.length);
  for (let i = 0; i < input.length; i++) out[i] = input[i]! * (1 - mix) + wet[i]! * mix * 2.2;
  return out;
}

export function synthesiseBed(bed: Bed, seed: number): Stereo {
  const rnd = seeded(seed);
  const total = SAMPLE_RATE * SECONDS;
  const dry: Stereo = { l: new Float32Array(total), r: new Float32Array(total) };
  const beat = 60 / bed.bpm;
  const bar = beat * 4;
  const bars = Math.ceil(SECONDS / bar);
  for (let b = 0; b < bars; b++) {
    const chord = bed.chords[b % bed.chords.length]!;
    const start = b * bar;
    // Pads overlap the next bar slightly so chord changes crossfade rather than cut.
    for (const note of chord.slice(1)) addPad(dry, hz(note), start, bar * 0.95, bed.padGain, bed.brightness, rnd);
    addPad(dry, hz(chord[0]! - 12), start, bar * 0.95, bed.padGain * 1.2, 0.2, rnd);
    // Arpeggio up and down through the upper chord tones, an octave above; skip the first bar (intro).
    if (b === 0) continue;
    const tones = [...chord.slice(1), ...chord.slice(1).map((n) => n + 12)];
    const pattern = [...tones, ...tones.slice(1, -1).reverse()];
    const steps = 4 * bed.arpStepsPerBeat;
    for (let s = 0; s < steps; s++) {
      if (rnd() > bed.arpDensity) continue;
      const note = pattern[(b * steps + s) % pattern.length]! + 12;
      const accent = s % bed.arpStepsPerBeat === 0 ? 1 : 0.7;
      const humanise = (rnd() - 0.5) * 0.012;
      addPluck(dry, hz(note), start + s * (beat / bed.arpStepsPerBeat) + humanise, bed.arpGain * accent, 0.3 + rnd() * 0.4, bed.pluckPartials);
    }
  }
  if (bed.waves > 0) addWaves(dry, bed.waves, rnd);
  const l = reverb(dry.l, [1557, 1617, 1491, 1422], bed.reverbMix);
  const r = reverb(dry.r, [1580, 1640, 1514, 1445], bed.reverbMix);
  // Master: gentle tanh limiting, a peak of -1.5 dBFS, and short fades so the file itself starts and ends clean.
  let peak = 0;
  for (let i = 0; i < total; i++) {
    l[i] = Math.tanh(l[i]! * 1.2);
    r[i] = Math.tanh(r[i]! * 1.2);
    peak = Math.max(peak, Math.abs(l[i]!), Math.abs(r[i]!));
  }
  const gain = 0.84 / (peak || 1);
  for (let i = 0; i < total; i++) {
    const t = i / SAMPLE_RATE;
    const fade = Math.min(1, t / 0.5, (SECONDS - t) / 2.5);
    l[i] = l[i]! * gain * fade;
    r[i] = r[i]! * gain * fade;
  }
  return { l, r };
}

function interleave16(audio: Stereo): Buffer {
  const buf = Buffer.alloc(audio.l.length * 4);
  for (let i = 0; i < audio.l.length; i++) {
    buf.writeInt16LE(Math.round(Math.max(-1, Math.min(1, audio.l[i]!)) * 32767), i * 4);
    buf.writeInt16LE(Math.round(Math.max(-1, Math.min(1, audio.r[i]!)) * 32767), i * 4 + 2);
  }
  return buf;
}

function encodeMp3(pcm: Buffer, outFile: string, title: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const ff = spawn(ffmpegPath(), [
      '-hide_banner', '-loglevel', 'error', '-y',
      '-f', 's16le', '-ar', String(SAMPLE_RATE), '-ac', '2', '-i', 'pipe:0',
      '-c:a', 'libmp3lame', '-b:a', '96k', '-metadata', `title=${title}`, '-metadata', 'artist=villa-video-pipeline (synthesised)',
      outFile,
    ], { stdio: ['pipe', 'inherit', 'inherit'] });
    ff.on('error', reject);
    ff.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg exited with ${code} for ${outFile}`))));
    ff.stdin.end(pcm);
  });
}

async function main(): Promise<void> {
  mkdirSync(OUT_DIR, { recursive: true });
  for (const [i, file] of MUSIC_FILES.entries()) {
    const audio = synthesiseBed(BEDS[file], 1000 + i);
    const out = path.join(OUT_DIR, file);
    await encodeMp3(interleave16(audio), out, file.replace(/\.mp3$/, ''));
    console.log(`${file}: ${SECONDS} s, ${Math.round(statSync(out).size / 1024)} KB`);
  }
}

await main();
