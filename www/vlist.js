// A virtualised list of rows of varying height: only the rows in (and near) the visible part of
// the scroller are in the DOM. Heights start as an estimate and are measured when a row is
// drawn; the offsets follow. The focused row stays in the DOM, so keyboard focus is never lost
// to a scroll. (Written here rather than taken from a package: the page has no build step and
// loads nothing but its own files.)

export class VirtualList {
  /**
   * @param {HTMLElement} scroller  the element that scrolls (position: relative)
   * @param {HTMLElement} spacer    a child of the scroller given the list's full height
   * @param {HTMLElement} list      a child of the scroller holding the rows (position: absolute)
   * @param {(index: number) => HTMLElement} render  a new element for row `index`
   */
  constructor(scroller, spacer, list, render, estimate = 30) {
    this.scroller = scroller;
    this.spacer = spacer;
    this.list = list;
    this.render = render;
    this.estimate = estimate;
    this.count = 0;
    this.heights = new Float64Array(0);
    this.offsets = new Float64Array(1);
    this.shown = new Map(); // index → element
    this.keep = -1; // an index kept drawn (the focused row)
    this.frame = 0;
    scroller.addEventListener('scroll', () => this.schedule());
    if (typeof ResizeObserver === 'function') {
      let width = scroller.clientWidth;
      new ResizeObserver(() => {
        if (scroller.clientWidth === width) return;
        width = scroller.clientWidth;
        this.heights.fill(0); // wrapped rows change height: measure again
        this.redraw();
      }).observe(scroller);
    }
  }

  /** Replace the rows: `count` of them; the scroller goes back to the top unless `keepScroll`;
   * the rows before `same` are unchanged (their measured heights are kept). */
  reset(count, keepScroll = false, same = 0) {
    const heights = new Float64Array(count); // 0: not measured yet
    heights.set(this.heights.subarray(0, Math.min(same, count, this.heights.length)));
    this.count = count;
    this.heights = heights;
    this.offsets = new Float64Array(count + 1);
    this.keep = -1;
    this.layout(0);
    this.clear();
    if (!keepScroll) this.scroller.scrollTop = 0;
    this.draw();
  }

  /** Draw again every shown row (their content changed), keeping the scroll position. */
  redraw() {
    this.clear();
    this.layout(0);
    this.draw();
  }

  clear() {
    for (const el of this.shown.values()) el.remove();
    this.shown.clear();
  }

  height(i) {
    return this.heights[i] || this.estimate;
  }

  layout(from) {
    for (let i = from; i < this.count; i++) this.offsets[i + 1] = this.offsets[i] + this.height(i);
    this.spacer.style.height = `${this.offsets[this.count]}px`;
  }

  /** The first row whose bottom is below `y`. */
  indexAt(y) {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.offsets[mid + 1] <= y) lo = mid + 1;
      else hi = mid;
    }
    return Math.min(lo, Math.max(0, this.count - 1));
  }

  schedule() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

  draw() {
    if (this.count === 0) {
      this.clear();
      return;
    }
    const top = this.scroller.scrollTop;
    const bottom = top + Math.max(this.scroller.clientHeight, 200);
    const first = Math.max(0, this.indexAt(top) - 5);
    let last = this.indexAt(bottom) + 5;
    last = Math.min(this.count - 1, last);
    const want = new Set();
    for (let i = first; i <= last; i++) want.add(i);
    if (this.keep >= 0 && this.keep < this.count) want.add(this.keep);
    for (const [i, el] of this.shown) {
      if (!want.has(i)) {
        el.remove();
        this.shown.delete(i);
      }
    }
    for (const i of want) {
      if (this.shown.has(i)) continue;
      const el = this.render(i);
      el.style.top = `${this.offsets[i]}px`;
      this.list.append(el);
      this.shown.set(i, el);
    }
    // measure what is drawn; where a height differs from the estimate, move the rows below
    let changedFrom = -1;
    for (const [i, el] of [...this.shown].sort((a, b) => a[0] - b[0])) {
      const h = el.offsetHeight;
      if (h && h !== this.heights[i]) {
        this.heights[i] = h;
        if (changedFrom < 0) changedFrom = i;
      }
    }
    if (changedFrom >= 0) {
      this.layout(changedFrom);
      for (const [i, el] of this.shown) el.style.top = `${this.offsets[i]}px`;
    }
  }

  /** Scroll so that row `i` is in view (a third from the top unless it is already in view). */
  scrollTo(i) {
    if (i < 0 || i >= this.count) return;
    for (let pass = 0; pass < 3; pass++) {
      const top = this.offsets[i];
      const bottom = this.offsets[i + 1];
      const view = this.scroller.scrollTop;
      const h = this.scroller.clientHeight;
      if (top >= view && bottom <= view + h) break;
      this.scroller.scrollTop = Math.max(0, top - h / 3);
      this.draw(); // measuring may move row i: check again
    }
  }

  element(i) {
    return this.shown.get(i) || null;
  }
}
