// The kriging workbench: samples as CSV (typed, pasted or from a file), a variogram chosen or
// fitted (the empirical variogram with the fitted curve), a run over a grid spanning the samples,
// and the estimate and kriging-variance heat maps (ECharts, canvas) with the samples on top, a
// colour scale and the value under the pointer; the result as CSV. Errors from the service —
// bad input, limits — are shown in place.
import {LitElement, html, nothing} from 'lit';
import {RelayChannel} from './relay.js';

const VIRIDIS = ['#440154', '#482878', '#3e4989', '#31688e', '#26828e', '#1f9e89', '#35b779', '#6ece58',
  '#b5de2b', '#fde725'];

/** Parses "x,y,value" rows (commas, semicolons, tabs or spaces; a header line is skipped). */
export function parseSamples(text) {
  const points = [];
  const values = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line || line.startsWith('#')) {
      continue;
    }
    const cells = line.split(/[,;\t ]+/).map(Number);
    if (cells.some(Number.isNaN)) {
      if (points.length === 0 && i === lines.findIndex((l) => l.trim())) {
        continue; // a header
      }
      throw new Error(`line ${i + 1}: "${line}" is not numbers`);
    }
    if (cells.length === 4) {
      throw new Error(`line ${i + 1}: 3-D samples (x, y, z, value) — the workbench maps x, y; send 3-D ones through the API`);
    }
    if (cells.length !== 3) {
      throw new Error(`line ${i + 1}: expected x, y, value — got ${cells.length} numbers`);
    }
    points.push([cells[0], cells[1]]);
    values.push(cells[2]);
  }
  if (points.length < 3) {
    throw new Error('at least 3 samples are needed');
  }
  return {points, values};
}

/** A deterministic example: 60 samples of a smooth surface with a little noise, on 0–100. */
export function exampleSamples() {
  let seed = 42;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const rows = ['x,y,value'];
  for (let i = 0; i < 60; i++) {
    const x = Math.round(random() * 1000) / 10;
    const y = Math.round(random() * 1000) / 10;
    const v = 10 + 4 * Math.sin(x / 18) + 3 * Math.cos(y / 23) + (random() - 0.5);
    rows.push(`${x},${y},${v.toFixed(3)}`);
  }
  return rows.join('\n');
}

/** The model's semivariance at lag h, as the service defines it. */
export function gamma(v, h) {
  if (h === 0) {
    return 0;
  }
  const r = h / v.range;
  const shape = v.model === 'spherical' ? (r >= 1 ? 1 : 1.5 * r - 0.5 * r * r * r)
    : v.model === 'exponential' ? 1 - Math.exp(-3 * r) : 1 - Math.exp(-3 * r * r);
  return v.nugget + (v.sill - v.nugget) * shape;
}

/** An n × n grid over the samples' extent and 5 % beyond. */
export function grid(points, n) {
  const xs0 = points.map((p) => p[0]);
  const ys0 = points.map((p) => p[1]);
  const span = (a) => {
    const lo = Math.min(...a);
    const hi = Math.max(...a);
    const pad = (hi - lo || 1) * 0.05;
    return [lo - pad, hi + pad];
  };
  const [x0, x1] = span(xs0);
  const [y0, y1] = span(ys0);
  const xs = Array.from({length: n}, (_, i) => x0 + (x1 - x0) * i / (n - 1));
  const ys = Array.from({length: n}, (_, j) => y0 + (y1 - y0) * j / (n - 1));
  const query = [];
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      query.push([xs[i], ys[j]]);
    }
  }
  return {xs, ys, query};
}

const fmt = (v) => (Math.abs(v) >= 1000 || (Math.abs(v) < 0.01 && v !== 0) ? v.toExponential(2) : v.toFixed(2));

class OtKriging extends LitElement {
  static properties = {
    platform: {}, session: {}, busy: {state: true}, error: {state: true}, result: {state: true},
    fitted: {state: true}, elapsed: {state: true},
  };

  constructor() {
    super();
    this.busy = '';
    this.error = '';
    this.result = null;
    this.fitted = null;
    this.elapsed = 0;
    this.charts = [];
  }

  createRenderRoot() {
    return this;
  }

  connectedCallback() {
    super.connectedCallback();
    this.onResize = () => this.charts.forEach((c) => c.resize());
    addEventListener('resize', this.onResize);
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    removeEventListener('resize', this.onResize);
    this.charts.forEach((c) => c.dispose());
    if (this.channel) {
      this.channel.close();
    }
  }

  async relay() {
    if (!this.channel || this.channel.closed) {
      const url = `${this.platform.info.relayUrl}/ws/sessions/${encodeURIComponent(this.session.id)}`;
      this.channel = await new RelayChannel(url, this.platform.accessToken).open();
    }
    return this.channel;
  }

  form() {
    return new FormData(this.querySelector('#kriging-form'));
  }

  async loadFile(e) {
    const file = e.target.files[0];
    if (file) {
      this.querySelector('#samples').value = await file.text();
    }
  }

  /** Runs an action with a progress indicator (seconds elapsed); errors in place. */
  async running(label, work) {
    this.busy = label;
    this.error = '';
    const started = Date.now();
    this.elapsed = 0;
    const tick = setInterval(() => { this.elapsed = Math.round((Date.now() - started) / 1000); }, 500);
    try {
      return await work();
    } catch (e) {
      this.error = e.code ? `${e.code}: ${e.message}` : e.message;
      return null;
    } finally {
      clearInterval(tick);
      this.busy = '';
    }
  }

  async fit() {
    const form = this.form();
    await this.running('Fitting the variogram', async () => {
      const {points, values} = parseSamples(form.get('samples'));
      const relay = await this.relay();
      this.fitted = await relay.call('kriging', 'fitVariogram',
        {points, values, model: form.get('model'), bins: Number(form.get('bins'))});
      await this.updateComplete;
      await this.drawVariogram();
    });
  }

  async run(e) {
    e.preventDefault();
    const form = this.form();
    await this.running('Kriging', async () => {
      const {points, values} = parseSamples(form.get('samples'));
      const n = Number(form.get('resolution'));
      const {xs, ys, query} = grid(points, n);
      const relay = await this.relay();
      let variogram;
      if (form.get('manual') === 'on') {
        variogram = {model: form.get('model'), nugget: Number(form.get('nugget')), sill: Number(form.get('sill')),
          range: Number(form.get('range'))};
      } else {
        this.fitted = await relay.call('kriging', 'fitVariogram',
          {points, values, model: form.get('model'), bins: Number(form.get('bins'))});
        variogram = {model: this.fitted.model, nugget: this.fitted.nugget, sill: this.fitted.sill,
          range: this.fitted.range};
      }
      const answer = await relay.call('kriging', 'krige', {points, values, query, variogram});
      this.result = {points, values, xs, ys, query, ...answer};
      await this.updateComplete;
      await this.drawMaps();
      if (this.fitted) {
        await this.drawVariogram();
      }
    });
  }

  async echarts() {
    return import('echarts');
  }

  chart(echarts, id) {
    const el = this.querySelector(`#${id}`);
    const existing = echarts.getInstanceByDom(el);
    if (existing) {
      return existing;
    }
    const chart = echarts.init(el, null, {renderer: 'canvas'});
    this.charts.push(chart);
    return chart;
  }

  async drawMaps() {
    const echarts = await this.echarts();
    const r = this.result;
    const n = r.xs.length;
    const dx = r.xs[1] - r.xs[0];
    const dy = r.ys[1] - r.ys[0];
    for (const [id, title, values] of [['estimate-map', 'Estimate', r.estimates],
      ['variance-map', 'Kriging variance', r.variances]]) {
      const cells = values.map((v, k) => [k % n, Math.floor(k / n), v]);
      const min = Math.min(...values);
      const max = Math.max(...values);
      this.chart(echarts, id).setOption({
        animation: false,
        title: {text: title, left: 'center', textStyle: {fontSize: 14}},
        tooltip: {
          renderMode: 'richText',
          formatter: (p) => (p.seriesType === 'heatmap'
            ? `x ${fmt(r.xs[p.value[0]])}, y ${fmt(r.ys[p.value[1]])}\n${title.toLowerCase()} ${fmt(p.value[2])}`
            : `sample at x ${fmt(p.value[0])}, y ${fmt(p.value[1])}\nvalue ${fmt(p.value[2])}`),
        },
        grid: {left: 55, right: 95, top: 35, bottom: 40},
        xAxis: [{type: 'category', data: r.xs.map(fmt), name: 'x', axisLabel: {interval: Math.ceil(n / 8) - 1}},
          {type: 'value', show: false, min: r.xs[0] - dx / 2, max: r.xs[n - 1] + dx / 2}],
        yAxis: [{type: 'category', data: r.ys.map(fmt), name: 'y', axisLabel: {interval: Math.ceil(n / 8) - 1}},
          {type: 'value', show: false, min: r.ys[0] - dy / 2, max: r.ys[n - 1] + dy / 2}],
        visualMap: {min, max, calculable: true, seriesIndex: 0, orient: 'vertical', right: 5, top: 'middle',
          precision: 2, inRange: {color: VIRIDIS}},
        series: [
          {id: 'map', type: 'heatmap', data: cells, progressive: 0},
          {id: 'samples', type: 'scatter', xAxisIndex: 1, yAxisIndex: 1, symbolSize: 7,
            itemStyle: {color: '#ffffff', borderColor: '#111111', borderWidth: 1},
            data: r.points.map((p, i) => [p[0], p[1], r.values[i]])},
        ],
      }, true);
    }
  }

  async drawVariogram() {
    const echarts = await this.echarts();
    const v = this.fitted;
    const lags = v.empirical.map((b) => b.lag);
    const top = Math.max(...lags) * 1.05;
    const curve = Array.from({length: 60}, (_, i) => {
      const h = top * i / 59;
      return [h, gamma(v, h)];
    });
    this.chart(echarts, 'variogram-chart').setOption({
      animation: false,
      title: {text: `Variogram: ${v.model}, nugget ${fmt(v.nugget)}, sill ${fmt(v.sill)}, range ${fmt(v.range)}`,
        left: 'center', textStyle: {fontSize: 13}},
      tooltip: {renderMode: 'richText', trigger: 'item'},
      grid: {left: 55, right: 20, top: 35, bottom: 40},
      xAxis: {type: 'value', name: 'lag', min: 0},
      yAxis: {type: 'value', name: 'semivariance', min: 0},
      series: [
        {id: 'empirical', name: 'empirical', type: 'scatter', data: v.empirical.map((b) => [b.lag, b.semivariance, b.pairs])},
        {id: 'fitted', name: 'fitted', type: 'line', showSymbol: false, data: curve},
      ],
    }, true);
  }

  download() {
    const r = this.result;
    const rows = ['x,y,estimate,variance', ...r.query.map((q, k) => `${q[0]},${q[1]},${r.estimates[k]},${r.variances[k]}`)];
    const link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([rows.join('\n') + '\n'], {type: 'text/csv'}));
    link.download = `kriging-${this.session.id.slice(0, 8)}.csv`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  }

  render() {
    return html`
      <h2>Kriging workbench</h2>
      <form id="kriging-form" @submit=${this.run}>
        <label>Samples — CSV of x, y, value
          <textarea id="samples" name="samples" rows="8" spellcheck="false" required></textarea></label>
        <div class="inline">
          <label>or a file <input type="file" id="samples-file" accept=".csv,.txt,text/csv" @change=${this.loadFile}></label>
          <button type="button" id="example-samples"
            @click=${() => { this.querySelector('#samples').value = exampleSamples(); }}>Example data</button>
        </div>
        <div class="inline">
          <label>Model <select name="model">
            <option value="spherical">spherical</option><option value="exponential">exponential</option>
            <option value="gaussian">gaussian</option></select></label>
          <label>Lag bins <input name="bins" type="number" min="2" max="1000" value="12"></label>
          <label><span><input type="checkbox" name="manual"> set by hand:</span></label>
          <label>Nugget <input name="nugget" type="number" step="any" value="0"></label>
          <label>Sill <input name="sill" type="number" step="any" value="1"></label>
          <label>Range <input name="range" type="number" step="any" value="10"></label>
        </div>
        <div class="inline">
          <label>Grid <select name="resolution">
            ${[20, 40, 60, 100].map((n) => html`<option value=${n} ?selected=${n === 40}>${n} × ${n}</option>`)}
          </select></label>
          <button type="button" id="fit-variogram" ?disabled=${!!this.busy} @click=${this.fit}>Fit variogram</button>
          <button type="submit" id="run-kriging" ?disabled=${!!this.busy}>Run kriging</button>
          ${this.result ? html`<button type="button" id="download-csv" @click=${this.download}>Download CSV</button>` : nothing}
        </div>
      </form>
      ${this.busy ? html`<p id="kriging-progress" role="status"><progress></progress> ${this.busy}… ${this.elapsed} s</p>` : nothing}
      ${this.error ? html`<p id="kriging-error" class="error" role="alert">${this.error}</p>` : nothing}
      <div class="charts">
        <div id="variogram-chart" class="chart" ?hidden=${!this.fitted}></div>
        <div id="estimate-map" class="chart" ?hidden=${!this.result}></div>
        <div id="variance-map" class="chart" ?hidden=${!this.result}></div>
      </div>`;
  }
}

customElements.define('ot-kriging', OtKriging);
