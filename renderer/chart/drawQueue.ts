// Draws Plotly charts without long frames: a chart is redrawn only when its figure changed, only
// the newest figure of a chart waiting to be drawn is drawn, and one chart is drawn per animation
// frame, so a burst of updates to several charts spreads over frames instead of stacking in one.
// Charts get a fixed width (the element's, watched with a ResizeObserver), so Plotly never reads
// layout to size itself while drawing.
import { useEffect, useState, type RefObject } from 'react';
import * as Plotly from 'plotly.js-dist-min';

export const PLOT_CONFIG: Partial<Plotly.Config> = { displaylogo: false };

export interface Drawing {
  traces: Plotly.Data[];
  layout: Partial<Plotly.Layout>;
  config?: Partial<Plotly.Config>;
  onError: (error: unknown) => void;
}

const pending = new Map<HTMLElement, Drawing>();
/** the figure each element shows (as JSON), to skip draws that would change nothing */
const shown = new WeakMap<HTMLElement, string>();
let frameRequested = false;

function drawNext(): void {
  frameRequested = false;
  const next = pending.entries().next();
  if (next.done) return;
  const [element, drawing] = next.value;
  pending.delete(element);
  if (element.isConnected) {
    Plotly.react(element, drawing.traces, drawing.layout, {
      ...PLOT_CONFIG,
      ...drawing.config,
    }).catch((error: unknown) => {
      shown.delete(element);
      drawing.onError(error);
    });
  }
  if (pending.size > 0) requestFrame();
}

function requestFrame(): void {
  if (frameRequested) return;
  frameRequested = true;
  requestAnimationFrame(drawNext);
}

/** Queues a draw of the element; a figure equal to the one it shows is not drawn again. */
export function scheduleDraw(element: HTMLElement, drawing: Drawing): void {
  const key = JSON.stringify([drawing.traces, drawing.layout, drawing.config]);
  if (shown.get(element) === key) {
    pending.delete(element);
    return;
  }
  shown.set(element, key);
  // re-inserted at the end: the chart waiting longest is drawn first
  pending.delete(element);
  pending.set(element, drawing);
  requestFrame();
}

/** Forgets the element (before Plotly.purge), so a later chart in it is drawn afresh. */
export function forgetDrawing(element: HTMLElement): void {
  pending.delete(element);
  shown.delete(element);
}

/** The element's content width in whole pixels, undefined until it is laid out. */
export function useElementWidth(element: RefObject<HTMLElement | null>): number | undefined {
  const [width, setWidth] = useState<number>();
  useEffect(() => {
    const target = element.current;
    if (!target) return;
    const observer = new ResizeObserver((entries) => {
      const measured = Math.floor(entries[entries.length - 1]!.contentRect.width);
      if (measured > 0) setWidth(measured);
    });
    observer.observe(target);
    return () => observer.disconnect();
  }, [element]);
  return width;
}
