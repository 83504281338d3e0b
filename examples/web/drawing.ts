// The demo's drawing pad, and turning a drawing into an MNIST-style 28x28 input (digit fit in 20x20, centred by its centre of mass).

const SIZE = 28;
const BOX = 20;

/** Draws 28x28 pixels in [0, 1] (ink white on black) onto a canvas of any size. */
export function paintDigit(canvas: HTMLCanvasElement, pixels: ArrayLike<number>): void {
  canvas.width = SIZE;
  canvas.height = SIZE;
  const ctx = canvas.getContext('2d')!;
  const img = ctx.createImageData(SIZE, SIZE);
  for (let i = 0; i < SIZE * SIZE; i++) {
    const v = Math.round(Math.min(1, Math.max(0, pixels[i]!)) * 255);
    img.data.set([v, v, v, 255], i * 4);
  }
  ctx.putImageData(img, 0, 0);
}

/**
 * MNIST's preprocessing of a drawing: the ink's bounding box scaled to fit 20x20 (keeping its aspect),
 * placed in 28x28 so that its centre of mass is the centre. Undefined for an empty pad.
 */
export function toMnist(pad: HTMLCanvasElement): Float32Array | undefined {
  const { width: w, height: h } = pad;
  const src = pad.getContext('2d')!.getImageData(0, 0, w, h).data;
  let x0 = w, y0 = h, x1 = -1, y1 = -1;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (src[(y * w + x) * 4]! > 20) {
        x0 = Math.min(x0, x); x1 = Math.max(x1, x);
        y0 = Math.min(y0, y); y1 = Math.max(y1, y);
      }
    }
  }
  if (x1 < 0) return undefined;
  const bw = x1 - x0 + 1, bh = y1 - y0 + 1;
  const scale = BOX / Math.max(bw, bh);
  const small = document.createElement('canvas');
  small.width = SIZE;
  small.height = SIZE;
  const ctx = small.getContext('2d')!;
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'high';
  const dw = bw * scale, dh = bh * scale;
  ctx.drawImage(pad, x0, y0, bw, bh, (SIZE - dw) / 2, (SIZE - dh) / 2, dw, dh);
  const data = ctx.getImageData(0, 0, SIZE, SIZE).data;
  const px = new Float32Array(SIZE * SIZE);
  let mass = 0, cx = 0, cy = 0;
  for (let i = 0; i < px.length; i++) {
    const v = data[i * 4]! / 255;
    px[i] = v;
    mass += v;
    cx += v * (i % SIZE);
    cy += v * Math.floor(i / SIZE);
  }
  // Shift by whole pixels so that the centre of mass lands on the centre (13.5, 13.5).
  const dx = Math.round(13.5 - cx / mass), dy = Math.round(13.5 - cy / mass);
  const out = new Float32Array(SIZE * SIZE);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const sx = x - dx, sy = y - dy;
      if (sx >= 0 && sx < SIZE && sy >= 0 && sy < SIZE) out[y * SIZE + x] = px[sy * SIZE + sx]!;
    }
  }
  return out;
}

/** The drawing pad: clear it, or show a 28x28 digit on it (the next stroke starts on a clear pad). */
export interface DrawingPad {
  clear(): void;
  show(pixels: ArrayLike<number>): void;
}

/** Makes `pad` a drawing surface (mouse, pen and touch); `onStroke` runs when a stroke ends. */
export function drawingPad(pad: HTMLCanvasElement, onStroke: () => void): DrawingPad {
  const ctx = pad.getContext('2d', { willReadFrequently: true })!;
  let showing = false;
  const clear = (): void => {
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, pad.width, pad.height);
    showing = false;
  };
  const show = (pixels: ArrayLike<number>): void => {
    const small = document.createElement('canvas');
    paintDigit(small, pixels);
    clear();
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(small, 0, 0, pad.width, pad.height);
    showing = true;
  };
  clear();
  let last: { x: number; y: number } | undefined;
  const at = (e: PointerEvent): { x: number; y: number } => {
    const r = pad.getBoundingClientRect();
    return { x: ((e.clientX - r.left) / r.width) * pad.width, y: ((e.clientY - r.top) / r.height) * pad.height };
  };
  const line = (to: { x: number; y: number }): void => {
    ctx.strokeStyle = '#fff';
    ctx.lineWidth = pad.width / 13;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.beginPath();
    ctx.moveTo((last ?? to).x, (last ?? to).y);
    ctx.lineTo(to.x, to.y);
    ctx.stroke();
    last = to;
  };
  pad.addEventListener('pointerdown', (e) => {
    if (showing) clear();
    pad.setPointerCapture(e.pointerId);
    last = undefined;
    line(at(e));
  });
  pad.addEventListener('pointermove', (e) => {
    if (last) line(at(e));
  });
  const end = (): void => {
    if (!last) return;
    last = undefined;
    onStroke();
  };
  pad.addEventListener('pointerup', end);
  pad.addEventListener('pointercancel', end);
  return { clear, show };
}
