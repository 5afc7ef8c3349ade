// Admins only: users (create, disable and enable, reset password, delete), every session with
// filters and force-close, the LSS registry with capacity, load and drain, signing-key rotation,
// and the dead letters: records the platform's consumers gave up on.
import {LitElement, html, nothing} from 'lit';
import {View} from './view.js';

class OtUsers extends View {
  static properties = {...View.properties, users: {state: true}, next: {state: true}};

  constructor() {
    super();
    this.users = [];
    this.next = null;
  }

  async load(after) {
    const params = new URLSearchParams({limit: '50'});
    if (after) {
      params.set('after', after);
    }
    const page = await this.platform.json('GET', this.platform.auth(`/api/v1/users?${params}`));
    this.users = after ? [...this.users, ...page.users] : page.users;
    this.next = page.next || null;
  }

  user(name) {
    return this.platform.auth(`/api/v1/users/${encodeURIComponent(name)}`);
  }

  create(e) {
    e.preventDefault();
    const form = new FormData(e.target);
    const roles = form.get('admin') === 'on' ? ['user', 'admin'] : ['user'];
    this.act(async () => {
      await this.platform.json('POST', this.platform.auth('/api/v1/users'),
        {username: form.get('username'), password: form.get('password'), roles});
      e.target.reset();
    }, `User ${form.get('username')} created.`);
  }

  setDisabled(u, disabled) {
    this.act(() => this.platform.json('PATCH', this.user(u.username), {disabled}),
      `${u.username} ${disabled ? 'disabled: their tokens stop working' : 'enabled'}.`);
  }

  resetPassword(u) {
    const password = prompt(`New password for ${u.username}`);
    if (password) {
      this.act(() => this.platform.json('POST', `${this.user(u.username)}/password`, {password}),
        `Password of ${u.username} set; they sign in again.`);
    }
  }

  deleteUser(u) {
    if (confirm(`Delete ${u.username}, their memberships and grants?`)) {
      this.act(() => this.platform.json('DELETE', this.user(u.username)), `${u.username} deleted.`);
    }
  }

  render() {
    return html`
      <h2>Users</h2>
      <form id="new-user" class="inline" @submit=${this.create}>
        <label>User name <input name="username" required maxlength="64" autocomplete="off"></label>
        <label>Password <input name="password" type="password" required autocomplete="new-password"></label>
        <label><span><input type="checkbox" name="admin"> admin</span></label>
        <button type="submit">Create user</button>
      </form>
      ${this.feedback()}
      <table id="users">
        <thead><tr><th>User</th><th>Roles</th><th>State</th><th></th></tr></thead>
        <tbody>${(this.users || []).map((u) => html`
          <tr data-user=${u.username}><td>${u.username}</td><td>${(u.roles || []).join(', ')}</td>
            <td>${u.disabled ? 'disabled' : 'active'}</td>
            <td class="actions">
              <button @click=${() => this.setDisabled(u, !u.disabled)}>${u.disabled ? 'Enable' : 'Disable'}</button>
              <button @click=${() => this.resetPassword(u)}>Reset password</button>
              <button class="danger" @click=${() => this.deleteUser(u)}>Delete</button></td></tr>`)}
        </tbody>
      </table>
      ${this.next ? html`<button @click=${() => this.load(this.next).catch((e) => { this.error = e.message; })}>
        More users</button>` : nothing}`;
  }
}

class OtAllSessions extends View {
  static properties = {...View.properties, sessions: {state: true}};

  constructor() {
    super();
    this.sessions = [];
  }

  async load() {
    const form = this.querySelector('#session-filters');
    const params = new URLSearchParams({limit: '200'});
    if (form) {
      for (const [k, v] of new FormData(form)) {
        if (v) {
          params.set(k, v);
        }
      }
    }
    this.sessions = (await this.platform.json('GET', `/api/v1/admin/sessions?${params}`)).sessions;
  }

  forceClose(s) {
    if (confirm(`Close session ${s.id.slice(0, 8)} of ${s.owner}?`)) {
      this.act(() => this.platform.json('DELETE', `/api/v1/sessions/${encodeURIComponent(s.id)}`),
        `Session ${s.id.slice(0, 8)} is closing.`);
    }
  }

  render() {
    return html`
      <h2>Every session</h2>
      <form id="session-filters" class="inline" @submit=${(e) => { e.preventDefault(); this.reload(); }}>
        <label>State <select name="state"><option value="">any</option>
          ${['OPENING', 'READY', 'CLOSING', 'CLOSED', 'FAILED'].map((s) => html`<option>${s}</option>`)}</select></label>
        <label>Owner <input name="owner" maxlength="64" size="10"></label>
        <label>Project <input name="project" maxlength="64" size="10"></label>
        <label>Type <input name="type" maxlength="64" size="8"></label>
        <button type="submit">Filter</button>
      </form>
      ${this.feedback()}
      <table id="all-sessions">
        <thead><tr><th>Session</th><th>Owner</th><th>Project</th><th>Type</th><th>State</th><th>LSS</th><th></th></tr></thead>
        <tbody>${this.sessions.map((s) => html`
          <tr data-session=${s.id}><td><a href="#/session/${s.id}">${s.id.slice(0, 8)}</a></td><td>${s.owner}</td>
            <td>${s.project}</td><td>${s.type}</td><td><span class="state ${s.state}">${s.state}</span>${s.queued ? ' (queued)' : ''}</td>
            <td>${s.lss || ''}</td>
            <td class="actions">${['CLOSED', 'FAILED', 'CLOSING'].includes(s.state) ? nothing
              : html`<button class="danger" @click=${() => this.forceClose(s)}>Force close</button>`}</td></tr>`)}
        </tbody>
      </table>`;
  }
}

class OtRegistry extends View {
  static properties = {...View.properties, registry: {state: true}};

  constructor() {
    super();
    this.registry = null;
  }

  async load() {
    this.registry = await this.platform.json('GET', '/api/v1/admin/lss');
  }

  drain(l, drain) {
    this.act(() => this.platform.json(drain ? 'POST' : 'DELETE', `/api/v1/admin/lss/${encodeURIComponent(l.id)}/drain`),
      drain ? `${l.id} takes no new sessions.` : `${l.id} takes new sessions again.`);
  }

  rotate() {
    this.act(() => this.platform.json('POST', this.platform.auth('/api/v1/admin/keys/rotate')),
      'A new signing key signs from now on; tokens of the earlier ones stay valid until they expire.');
  }

  render() {
    const r = this.registry;
    return html`
      <h2>Local session services</h2>
      ${this.feedback()}
      ${r ? html`
        <table id="lss">
          <thead><tr><th>LSS</th><th>Status</th><th>Mode</th><th>Load</th><th>Last heard</th><th></th></tr></thead>
          <tbody>${r.lss.map((l) => html`
            <tr data-lss=${l.id}><td>${l.id}</td><td>${l.status}</td><td>${l.mode}</td>
              <td><meter min="0" max=${l.capacity} value=${l.load}></meter> ${l.load} of ${l.capacity}</td>
              <td>${new Date(l.lastSeen).toLocaleTimeString()}</td>
              <td class="actions">${l.status === 'lost' ? nothing : html`
                <button @click=${() => this.drain(l, l.status !== 'draining')}>${l.status === 'draining' ? 'Undrain' : 'Drain'}</button>`}</td></tr>`)}
          </tbody>
        </table>` : html`<p class="loading">Loading…</p>`}
      <h2>Signing keys</h2>
      <button id="rotate-keys" @click=${this.rotate}>Rotate the signing key</button>`;
  }
}

/** Records the platform's consumers gave up on (the logger keeps them), newest first, with why. */
class OtDeadLetters extends View {
  static properties = {...View.properties, letters: {state: true}, total: {state: true}, next: {state: true}};

  constructor() {
    super();
    this.letters = null;
    this.total = 0;
    this.next = null;
  }

  async load(cursor) {
    const params = new URLSearchParams({limit: '20'});
    if (cursor) {
      params.set('cursor', cursor);
    }
    const page = await this.platform.json('GET', this.platform.logger(`/api/v1/dead-letters?${params}`));
    this.letters = cursor ? [...this.letters, ...page.deadLetters] : page.deadLetters;
    this.total = page.total;
    this.next = page.next || null;
  }

  render() {
    const l = this.letters;
    return html`
      <h2>Dead letters</h2>
      ${this.feedback()}
      ${l === null ? html`<p class="loading">Loading…</p>` : l.length === 0 ? html`<p id="no-dead-letters">None: every
        record was handled.</p>` : html`
        <p>${this.total} record${this.total === 1 ? '' : 's'} given up on.</p>
        <table id="dead-letters">
          <thead><tr><th>Time</th><th>Where</th><th>Read by</th><th>Attempts</th><th>Why</th></tr></thead>
          <tbody>${l.map((d) => html`
            <tr data-dead-letter=${d.id}><td>${new Date(d.time).toLocaleString()}</td>
              <td><code>${d.topic}</code> ${d.partition}@${d.offset}${d.key ? html`, key <code>${d.key}</code>` : nothing}</td>
              <td>${d.service} (${d.group})</td><td>${d.attempts}</td>
              <td>${d.error}<details><summary>The record${d.truncated ? ' (cut)' : ''}</summary>
                <pre>${d.value}</pre></details></td></tr>`)}
          </tbody>
        </table>
        ${this.next ? html`<button id="more-dead-letters"
          @click=${() => this.load(this.next).catch((e) => { this.error = e.message; })}>More</button>` : nothing}`}`;
  }
}

class OtAdmin extends LitElement {
  static properties = {platform: {}};

  createRenderRoot() {
    return this;
  }

  render() {
    if (!this.platform.isAdmin) {
      return html`<p class="error" role="alert">Only admins see this page.</p>`;
    }
    return html`<h1>Administration</h1>
      <ot-users .platform=${this.platform}></ot-users>
      <ot-all-sessions .platform=${this.platform}></ot-all-sessions>
      <ot-registry .platform=${this.platform}></ot-registry>
      <ot-dead-letters .platform=${this.platform}></ot-dead-letters>`;
  }
}

customElements.define('ot-users', OtUsers);
customElements.define('ot-all-sessions', OtAllSessions);
customElements.define('ot-registry', OtRegistry);
customElements.define('ot-dead-letters', OtDeadLetters);
customElements.define('ot-admin', OtAdmin);
