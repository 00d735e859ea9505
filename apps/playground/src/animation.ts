import { COLORS, prepare } from './plots.js';
import type { AnimationKind } from './systems.js';

export interface AnimationTrack {
  readonly label: string;
  readonly color: string;
  readonly ys: readonly Float64Array[];
}

/**
 * Draws frame k of each track side by side: the physical picture of the state (a block on a
 * spring, a pendulum, a particle in the plane, two bodies), with a short trail.
 */
export function drawAnimationFrame(
  canvas: HTMLCanvasElement,
  kind: AnimationKind,
  tracks: readonly AnimationTrack[],
  k: number,
  scale: number,
): void {
  const { ctx, w, h } = prepare(canvas);
  const cell = w / Math.max(1, tracks.length);
  ctx.font = '12px system-ui, sans-serif';
  tracks.forEach((track, index) => {
    const left = index * cell;
    const cx = left + cell / 2;
    const cy = h / 2 + 6;
    ctx.fillStyle = track.color;
    ctx.fillText(track.label, left + 6, 14);
    if (index > 0) {
      ctx.strokeStyle = COLORS.grid;
      ctx.beginPath();
      ctx.moveTo(left, 0);
      ctx.lineTo(left, h);
      ctx.stroke();
    }
    const frame = Math.min(k, track.ys.length - 1);
    const y = track.ys[frame];
    if (y === undefined) {
      ctx.fillStyle = '#888';
      ctx.fillText(track.label === 'truth' ? 'no true H' : 'not trained yet', left + 6, h / 2);
      return;
    }
    const unit = (Math.min(cell, h) * 0.4) / scale;
    const trail = (get: (s: Float64Array) => [number, number]): void => {
      ctx.strokeStyle = `${track.color}55`;
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      for (let t = Math.max(0, frame - 40); t <= frame; t++) {
        const [x, yy] = get(track.ys[t]!);
        if (t === Math.max(0, frame - 40)) ctx.moveTo(x, yy);
        else ctx.lineTo(x, yy);
      }
      ctx.stroke();
    };
    const ball = (x: number, yy: number, r: number): void => {
      ctx.beginPath();
      ctx.arc(x, yy, r, 0, 2 * Math.PI);
      ctx.fillStyle = track.color;
      ctx.fill();
    };
    switch (kind) {
      case 'pendulum': {
        const length = Math.min(cell, h) * 0.38;
        const px = cx;
        const py = cy - length * 0.6;
        const at = (s: Float64Array): [number, number] => [
          px + length * Math.sin(s[0]!),
          py + length * Math.cos(s[0]!),
        ];
        trail(at);
        const [bx, by] = at(y);
        ctx.strokeStyle = '#444';
        ctx.lineWidth = 2;
        ctx.beginPath();
        ctx.moveTo(px, py);
        ctx.lineTo(bx, by);
        ctx.stroke();
        ball(bx, by, 8);
        break;
      }
      case 'spring': {
        const wall = left + 10;
        const x = cx + y[0]! * unit;
        ctx.strokeStyle = '#444';
        ctx.lineWidth = 1.5;
        ctx.beginPath();
        ctx.moveTo(wall, cy - 20);
        ctx.lineTo(wall, cy + 20);
        ctx.stroke();
        ctx.beginPath();
        const coils = 10;
        for (let c = 0; c <= coils * 2; c++) {
          const sx = wall + ((x - 12 - wall) * c) / (coils * 2);
          const sy = cy + (c === 0 || c === coils * 2 ? 0 : c % 2 === 0 ? -7 : 7);
          if (c === 0) ctx.moveTo(sx, sy);
          else ctx.lineTo(sx, sy);
        }
        ctx.stroke();
        ctx.fillStyle = track.color;
        ctx.fillRect(x - 12, cy - 12, 24, 24);
        break;
      }
      case 'bead': {
        ctx.strokeStyle = '#999';
        ctx.beginPath();
        ctx.moveTo(left + 8, cy);
        ctx.lineTo(left + cell - 8, cy);
        ctx.stroke();
        ball(cx + y[0]! * unit, cy, 8);
        break;
      }
      case 'plane-particle': {
        const n = y.length / 2;
        const at = (s: Float64Array): [number, number] => [
          cx + s[0]! * unit,
          cy - (n > 1 ? s[1]! : s[n]!) * unit,
        ];
        trail(at);
        const [bx, by] = at(y);
        ball(bx, by, 6);
        break;
      }
      case 'two-body': {
        // State (x1, x2, y1, y2, px1, px2, py1, py2).
        for (const body of [0, 1]) {
          const at = (s: Float64Array): [number, number] => [
            cx + s[body]! * unit,
            cy - s[2 + body]! * unit,
          ];
          trail(at);
          const [bx, by] = at(y);
          ball(bx, by, 7);
        }
        break;
      }
    }
  });
}
