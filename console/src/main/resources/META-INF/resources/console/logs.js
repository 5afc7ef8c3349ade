// Log records: a session's (for whoever may see the session) or the platform's (admins), filtered
// by level, service, text and time, a page at a time (newest first), with a live tail that adds
// records as they arrive.
import {LitElement, html, nothing} from 'lit';

const LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'];
const MAX_SHOWN = 2000;

class OtLogs extends LitElement {
  static properties = {
    platform: {}, sessionId: {}, records: {state: true}, next: {state: true}, error: {state: true},
    tail: {state: true}, skipped: {state: true},
  };

  constructor() {
    super();
    this.records = [];
    this.next = null;
    this.error = '';
    this.tail = '';
    this.skipped = 0;
  }

  createRenderRoot() {
    return this;
  }

  connectedCallback() {
    super.connectedCallback();
    this.search();
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    this.stopTail();
  }

  /** The filters as query parameters (empty ones left out). */
  filters(withTime) {
    const form = this.querySelector('#log-filters');
    const params = new URLSearchParams();
    if (this.sessionId) {
      params.set('session', this.sessionId);
    }
    if (form) {
      for (const name of ['level', 'service', 'q'].concat(withTime ? ['from', 'to'] : [])) {
        let value = new FormData(form).get(name);
        if (value && (name === 'from' || name === 'to')) {
          value = new Date(value).toISOString();
        }
        if (value) {
          params.set(name, value);
        }
      }
    }
    return params;
  }

  async search(e) {
    if (e) {
      e.preventDefault();
    }
    this.records = [];
    this.next = null;
    await this.page(null);
    if (this.tail) {
      this.startTail();
    }
  }

  async page(cursor) {
    this.error = '';
    const params = this.filters(true);
    params.set('limit', '100');
    if (cursor) {
      params.set('cursor', cursor);
    }
    try {
      const answer = await this.platform.json('GET', this.platform.logger(`/api/v1/logs?${params}`));
      this.records = [...this.records, ...answer.records];
      this.next = answer.next || null;
    } catch (err) {
      this.error = err.message;
    }
  }

  toggleTail() {
    if (this.tail) {
      this.stopTail();
      this.tail = '';
    } else {
      this.startTail();
    }
  }

  startTail() {
    this.stopTail();
    this.tail = 'connecting';
    this.stop = this.platform.follow(this.platform.logger(`/api/v1/logs/tail?${this.filters(false)}`), (event) => {
      if (event.type === 'record' && event.data) {
        this.records = [event.data, ...this.records].slice(0, MAX_SHOWN);
      } else if (event.type === 'skipped' && event.data) {
        this.skipped += event.data.skipped;
      }
    }, {onState: (state, why) => { this.tail = why ? `${state}: ${why}` : state; }});
  }

  stopTail() {
    if (this.stop) {
      this.stop();
      this.stop = null;
    }
  }

  render() {
    return html`
      <form id="log-filters" class="inline" @submit=${this.search}>
        <label>Level <select name="level"><option value="">any</option>
          ${LEVELS.map((l) => html`<option value=${l}>${l} and above</option>`)}</select></label>
        <label>Service <input name="service" maxlength="64" size="10"></label>
        <label>Text <input name="q" maxlength="200" size="14"></label>
        <label>From <input name="from" type="datetime-local" step="1"></label>
        <label>To <input name="to" type="datetime-local" step="1"></label>
        <button type="submit" id="log-search">Search</button>
        <button type="button" id="log-tail" aria-pressed=${this.tail ? 'true' : 'false'} @click=${this.toggleTail}>
          ${this.tail ? 'Stop live tail' : 'Live tail'}</button>
        ${this.tail ? html`<small id="tail-state">${this.tail}</small>` : nothing}
      </form>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${this.skipped ? html`<p class="notice">${this.skipped} records skipped: the tail was read too slowly.</p>` : nothing}
      <table id="log-records" class="logs">
        <thead><tr><th>Time</th><th class="optional">Level</th><th class="optional">Service</th><th>Message</th></tr></thead>
        <tbody>${this.records.map((r) => html`
          <tr class="level-${r.level}" data-id=${r.id}><td><time>${new Date(r.time).toLocaleString()}</time></td>
            <td class="optional">${r.level}</td><td class="optional">${r.service}</td><td class="message">${r.message}${r.exception
              ? html`<pre>${r.exception}</pre>` : nothing}</td></tr>`)}
        </tbody>
      </table>
      ${this.records.length === 0 && !this.error ? html`<p id="no-logs">No records match.</p>` : nothing}
      ${this.next ? html`<button id="log-older" @click=${() => this.page(this.next)}>Older records</button>` : nothing}`;
  }
}

customElements.define('ot-logs', OtLogs);
