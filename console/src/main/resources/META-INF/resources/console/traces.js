// Where a session's time went, for admins: each trace the GSS holds of the session (its open, its
// close, calls traced through the relay) as a waterfall — every span under its parent, a bar on the
// trace's time line, the service that made it, how long it took.
import {html, nothing} from 'lit';
import {View} from './view.js';

class OtTraces extends View {
  static properties = {...View.properties, sessionId: {}, traces: {state: true}};

  constructor() {
    super();
    this.traces = null;
  }

  // Loaded when asked for: most visits to a session do not need its spans.
  static loadsWhenShown = false;

  async load() {
    const answer = await this.platform.json('GET',
      `/api/v1/admin/sessions/${encodeURIComponent(this.sessionId)}/traces`);
    this.traces = answer.traces || [];
  }

  // Indents and bars are set through the DOM (CSSOM), never as style attributes: the console's
  // Content-Security-Policy (style-src 'self') blocks every inline style, Lit's styleMap's included.
  updated() {
    this.querySelectorAll('table.waterfall [data-depth]').forEach((td) => {
      td.style.paddingLeft = `${0.4 + Number(td.dataset.depth) * 1.1}em`;
    });
    this.querySelectorAll('table.waterfall [data-left]').forEach((bar) => {
      bar.style.marginLeft = `${bar.dataset.left}%`;
      bar.style.width = `${bar.dataset.width}%`;
    });
  }

  render() {
    if (this.traces === null) {
      return html`<button id="show-traces" @click=${() => this.reload()}>Show where the time went</button>
        ${this.feedback()}`;
    }
    return html`${this.feedback()}
      ${this.traces.length === 0 ? html`<p id="no-traces">No trace of this session is held (tracing off, or its spans
        aged out of the last 20,000).</p>` : nothing}
      ${this.traces.map((t) => html`
        <table class="waterfall" data-trace=${t.traceId}>
          <caption>Trace <code>${t.traceId}</code> — ${new Date(t.start).toLocaleTimeString()}, ${t.durationMs.toFixed(1)} ms</caption>
          <thead><tr><th>Span</th><th>Service</th><th>Start</th><th>Took</th><th class="line">Time line</th></tr></thead>
          <tbody>${rows(t).map(({span, depth}) => html`
            <tr data-span=${span.name} data-service=${span.service} class=${span.status === 'ERROR' ? 'failed' : nothing}>
              <td data-depth=${depth}>${span.name}${span.status === 'ERROR' ? ' (error)' : ''}</td>
              <td>${span.service}</td><td>${span.startMs.toFixed(1)} ms</td><td>${span.durationMs.toFixed(1)} ms</td>
              <td class="line"><span data-left=${percent(span.startMs, t.durationMs)}
                data-width=${Math.max(0.5, percent(span.durationMs, t.durationMs))}></span></td>
            </tr>`)}
          </tbody>
        </table>`)}
      <button @click=${() => this.reload()}>Read again</button>`;
  }
}

function percent(part, whole) {
  return whole > 0 ? Math.min(100, (part / whole) * 100) : 0;
}

/** The spans depth first, each under its parent in start order; one whose parent is not held is a root. */
function rows(trace) {
  const ids = new Set(trace.spans.map((s) => s.spanId));
  const children = new Map();
  const roots = [];
  for (const s of trace.spans) {
    if (s.parentSpanId && ids.has(s.parentSpanId)) {
      if (!children.has(s.parentSpanId)) children.set(s.parentSpanId, []);
      children.get(s.parentSpanId).push(s);
    } else {
      roots.push(s);
    }
  }
  const out = [];
  const visit = (span, depth) => {
    out.push({span, depth});
    (children.get(span.spanId) || []).sort((a, b) => a.startMs - b.startMs).forEach((c) => visit(c, depth + 1));
  };
  roots.sort((a, b) => a.startMs - b.startMs).forEach((r) => visit(r, 0));
  return out;
}

customElements.define('ot-traces', OtTraces);
