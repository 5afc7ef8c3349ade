// The console: sign-in, projects, sessions with their live timeline. Lit components rendering
// into the light DOM (one style sheet, console.css; plain DOM for keyboard use and for tests).
import {LitElement, html, nothing} from 'lit';
import {ApiError, Platform} from './api.js';
import {View} from './view.js';
import './kriging.js';
import './logs.js';
import './admin.js';
import './traces.js';
import './groups.js';

class Base extends LitElement {
  createRenderRoot() {
    return this;
  }
}

const TERMINAL = new Set(['CLOSED', 'FAILED']);

/** The page: sign-in until signed in, then a navigation bar and the view the URL's hash names. */
class OtConsole extends Base {
  static properties = {
    platform: {state: true}, signedIn: {state: true}, route: {state: true}, notice: {state: true},
    failure: {state: true},
  };

  constructor() {
    super();
    this.platform = new Platform();
    this.signedIn = false;
    this.route = location.hash || '#/sessions';
    this.notice = '';
    this.failure = '';
    this.platform.addEventListener('signed-in', () => { this.signedIn = true; this.notice = ''; });
    this.platform.addEventListener('signed-out', (e) => { this.signedIn = false; this.notice = e.detail; });
    addEventListener('hashchange', () => { this.route = location.hash || '#/sessions'; });
  }

  createRenderRoot() {
    this.replaceChildren();
    return this;
  }

  connectedCallback() {
    super.connectedCallback();
    this.platform.start().then(() => this.requestUpdate(), (e) => { this.failure = e.message; });
  }

  render() {
    if (this.failure) {
      return html`<main class="narrow"><h1>OT Platform</h1><p class="error" role="alert">${this.failure}</p></main>`;
    }
    if (!this.platform.info) {
      return html`<p class="loading">Loading the console…</p>`;
    }
    if (!this.signedIn) {
      return html`<ot-login .platform=${this.platform} .notice=${this.notice}></ot-login>`;
    }
    const [, view, id] = this.route.split('/');
    return html`
      <header class="bar">
        <strong>OT Platform</strong>
        <nav aria-label="Main">
          <a href="#/sessions" aria-current=${view === 'sessions' ? 'page' : nothing}>Sessions</a>
          <a href="#/projects" aria-current=${view === 'projects' ? 'page' : nothing}>Projects</a>
          <a href="#/groups" aria-current=${view === 'groups' ? 'page' : nothing}>Groups</a>
          ${this.platform.isAdmin ? html`
            <a href="#/logs" aria-current=${view === 'logs' ? 'page' : nothing}>Logs</a>
            <a href="#/admin" aria-current=${view === 'admin' ? 'page' : nothing}>Admin</a>` : nothing}
        </nav>
        <span class="user">${this.platform.user.username}${this.platform.isAdmin ? ' (admin)' : ''}</span>
        <button id="logout" @click=${() => this.platform.logout()}>Sign out</button>
      </header>
      <main>
        ${view === 'projects' ? html`<ot-projects .platform=${this.platform}></ot-projects>`
          : view === 'groups' ? html`<ot-groups .platform=${this.platform}></ot-groups>`
          : view === 'logs' ? html`<h1>Platform logs</h1><ot-logs .platform=${this.platform}></ot-logs>`
          : view === 'admin' ? html`<ot-admin .platform=${this.platform}></ot-admin>`
          : view === 'session' && id ? html`<ot-session .platform=${this.platform} .sessionId=${id}></ot-session>`
          : html`<ot-sessions .platform=${this.platform}></ot-sessions>`}
      </main>`;
  }
}

/** Sign-in: a wrong password, a disabled account and throttling each get a clear message. */
class OtLogin extends Base {
  static properties = {platform: {}, notice: {}, error: {state: true}, busy: {state: true}, wait: {state: true}};

  constructor() {
    super();
    this.error = '';
    this.busy = false;
    this.wait = 0;
  }

  async submit(e) {
    e.preventDefault();
    const form = new FormData(e.target);
    this.busy = true;
    this.error = '';
    try {
      await this.platform.login(form.get('username'), form.get('password'));
    } catch (err) {
      if (err instanceof ApiError && err.status === 429) {
        this.countDown(err.retryAfter || 30);
      } else if (err instanceof ApiError && err.status === 401) {
        this.error = 'Wrong username or password, or the account is disabled.';
      } else {
        this.error = err.message;
      }
    } finally {
      this.busy = false;
    }
  }

  firstUpdated() {
    // The console's "time to interactive": the sign-in form can be used (read by the browser test).
    performance.mark('ot-sign-in-ready');
  }

  countDown(seconds) {
    this.wait = seconds;
    const tick = setInterval(() => {
      this.wait -= 1;
      if (this.wait <= 0) {
        clearInterval(tick);
      }
    }, 1000);
  }

  render() {
    return html`
      <main class="narrow">
        <h1>OT Platform</h1>
        <form id="login" @submit=${this.submit}>
          <label>User name <input name="username" autocomplete="username" required autofocus></label>
          <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
          <button type="submit" ?disabled=${this.busy || this.wait > 0}>Sign in</button>
        </form>
        ${this.notice ? html`<p class="notice" role="status">${this.notice}</p>` : nothing}
        ${this.wait > 0 ? html`<p class="error" role="alert" id="throttled">Too many failed sign-ins: try again in
          ${this.wait} s.</p>` : nothing}
        ${this.error ? html`<p class="error" role="alert" id="login-error">${this.error}</p>` : nothing}
      </main>`;
  }
}

/** Projects the user can see: create, rename, delete (owners and admins). */
class OtProjects extends View {
  static properties = {...View.properties, projects: {state: true}, sharing: {state: true}};

  constructor() {
    super();
    this.projects = null;
    this.sharing = null;
  }

  async load() {
    this.projects = (await this.platform.json('GET', this.platform.auth('/api/v1/projects'))).projects;
  }

  create(e) {
    e.preventDefault();
    const name = new FormData(e.target).get('name');
    this.act(async () => {
      await this.platform.json('POST', this.platform.auth('/api/v1/projects'), {name});
      e.target.reset();
    });
  }

  rename(p) {
    const name = prompt(`New name of ${p.name}`, p.name);
    if (name && name !== p.name) {
      this.act(() => this.platform.json('PATCH', this.platform.auth(`/api/v1/projects/${encodeURIComponent(p.name)}`),
        {name}));
    }
  }

  grant(e, p) {
    e.preventDefault();
    const form = new FormData(e.target);
    this.act(async () => {
      await this.platform.json('PUT', this.platform.auth(`/api/v1/projects/${encodeURIComponent(p.name)}/grants`),
        {[form.get('kind')]: form.get('grantee'), role: form.get('role')});
      e.target.reset();
    });
  }

  revoke(p, g) {
    this.act(() => this.platform.json('DELETE', this.platform.auth(
      `/api/v1/projects/${encodeURIComponent(p.name)}/grants/${g.kind}/${encodeURIComponent(g.name)}`)));
  }

  deleteProject(p) {
    if (confirm(`Delete project ${p.name}? Its open sessions are closed.`)) {
      this.act(() => this.platform.json('DELETE', this.platform.auth(`/api/v1/projects/${encodeURIComponent(p.name)}`)));
    }
  }

  render() {
    return html`
      <h1>Projects</h1>
      <form id="new-project" class="inline" @submit=${this.create}>
        <label>New project <input name="name" required maxlength="64"></label>
        <button type="submit">Create</button>
      </form>
      ${this.feedback()}
      ${this.projects === null ? html`<p class="loading">Loading…</p>` : html`
        <table id="projects">
          <thead><tr><th>Name</th><th>Your role</th><th>Owner</th><th></th></tr></thead>
          <tbody>${this.projects.map((p) => html`
            <tr data-project=${p.name}>
              <td>${p.name}</td><td>${p.role}</td><td>${p.owner || ''}</td>
              <td class="actions">${p.role === 'owner' ? html`
                <button aria-expanded=${this.sharing === p.name ? 'true' : 'false'}
                  @click=${() => { this.sharing = this.sharing === p.name ? null : p.name; }}>Share</button>
                <button @click=${() => this.rename(p)}>Rename</button>
                <button class="danger" @click=${() => this.deleteProject(p)}>Delete</button>` : nothing}</td>
            </tr>
            ${this.sharing === p.name ? html`<tr class="sharing" data-sharing=${p.name}><td colspan="4">
              <ul class="grants">${(p.grants || []).map((g) => html`
                <li data-grant="${g.kind}:${g.name}">${g.kind} <strong>${g.name}</strong>: ${g.role}
                  <button @click=${() => this.revoke(p, g)}>Revoke</button></li>`)}</ul>
              <form class="inline grant" @submit=${(e) => this.grant(e, p)}>
                <label>To <select name="kind"><option value="user">user</option><option value="group">group</option></select></label>
                <label>Name <input name="grantee" required maxlength="64"></label>
                <label>Role <select name="role"><option value="viewer">viewer</option><option value="editor">editor</option>
                  <option value="owner">owner</option></select></label>
                <button type="submit">Grant</button>
              </form></td></tr>` : nothing}`)}
          </tbody>
        </table>
        ${this.projects.length === 0 ? html`<p>No projects yet: create one to open sessions in it.</p>` : nothing}`}`;
  }
}

/**
 * The user's sessions (and those shared with them), and a form to open one with a type from the
 * catalog and, where the type offers them, one of its profiles.
 */
class OtSessions extends View {
  static properties = {...View.properties, sessions: {state: true}, projects: {state: true}, type: {state: true}};

  constructor() {
    super();
    this.sessions = null;
    this.projects = [];
    this.type = null;
  }

  async load() {
    const [sessions, projects] = await Promise.all([this.platform.json('GET', '/api/v1/sessions?scope=visible'),
      this.platform.json('GET', this.platform.auth('/api/v1/projects'))]);
    this.sessions = sessions.sessions;
    this.projects = projects.projects.filter((p) => p.role !== 'viewer');
  }

  open(e) {
    e.preventDefault();
    const form = new FormData(e.target);
    this.act(async () => {
      const body = {project: form.get('project'), type: form.get('type')};
      if (form.get('profile')) body.profile = form.get('profile');
      const session = await this.platform.json('POST', '/api/v1/sessions', body);
      location.hash = `#/session/${session.id}`;
    });
  }

  render() {
    const info = this.platform.info;
    const typeName = this.type ?? info.defaultSessionType;
    const profiles = info.sessionTypes.find((t) => t.name === typeName)?.profiles ?? [];
    const defaultProfile = info.sessionTypes.find((t) => t.name === typeName)?.defaultProfile;
    return html`
      <h1>Sessions</h1>
      <form id="open-session" class="inline" @submit=${this.open}>
        <label>Project <select name="project" required>
          ${this.projects.map((p) => html`<option value=${p.name}>${p.name}</option>`)}</select></label>
        <label>Type <select name="type" @change=${(e) => { this.type = e.target.value; }}>
          ${info.sessionTypes.map((t) => html`<option value=${t.name} ?selected=${t.name === typeName}>
            ${t.name} (${t.services.join(', ')})</option>`)}</select></label>
        ${profiles.length === 0 ? nothing : html`<label>Profile <select name="profile">
          ${profiles.map((p) => html`<option value=${p.name} ?selected=${p.name === defaultProfile}>
            ${p.name}${p.description ? ` — ${p.description}` : ''}${p.groups.length ? ` (${p.groups.join(', ')})` : ''}</option>`)}
          </select></label>`}
        <button type="submit" ?disabled=${this.projects.length === 0}>Open</button>
      </form>
      ${this.projects.length === 0 && this.sessions !== null
        ? html`<p>To open a session, <a href="#/projects">create a project</a> first.</p>` : nothing}
      ${this.feedback()}
      ${this.sessions === null ? html`<p class="loading">Loading…</p>` : html`
        <h2>Yours</h2>
        ${sessionTable('sessions', this.sessions.filter((s) => s.owner === this.platform.user.username))}
        <h2>Shared with you</h2>
        ${sessionTable('shared-sessions', this.sessions.filter((s) => s.owner !== this.platform.user.username))}`}`;
  }
}

/** A table of sessions, newest first, each linking to its page. */
function sessionTable(id, sessions) {
  if (sessions.length === 0) {
    return html`<p id=${`${id}-none`}>None.</p>`;
  }
  return html`
    <table id=${id}>
      <thead><tr><th>Session</th><th>Project</th><th class="optional">Type</th><th class="optional">Owner</th>
        <th>State</th><th class="optional">Opened</th></tr></thead>
      <tbody>${sessions.map((s) => html`
        <tr data-session=${s.id}>
          <td><a href="#/session/${s.id}">${s.id.slice(0, 8)}</a></td><td>${s.project}</td>
          <td class="optional">${s.type}</td><td class="optional">${s.owner}</td>
          <td><span class="state ${s.state}">${s.state}</span></td>
          <td class="optional">${new Date(s.created).toLocaleString()}</td>
        </tr>`)}
      </tbody>
    </table>`;
}

/**
 * One session: its services' states, a progress bar while it opens, its place in the queue, and
 * the live timeline from the GSS's event stream (resumed without loss after a drop); close.
 */
class OtSession extends Base {
  static properties = {
    platform: {}, sessionId: {}, session: {state: true}, entries: {state: true}, stream: {state: true},
    error: {state: true},
  };

  constructor() {
    super();
    this.session = null;
    this.entries = [];
    this.stream = 'connecting';
    this.error = '';
  }

  connectedCallback() {
    super.connectedCallback();
    this.refresh();
    this.stop = this.platform.follow(`/api/v1/sessions/${encodeURIComponent(this.sessionId)}/events`, (event) => {
      this.entries = [...this.entries, event];
      this.refresh();
    }, {
      onState: (state, why) => { this.stream = why ? `${state}: ${why}` : state; },
      isFinal: (event) => TERMINAL.has(event.data && event.data.state),
    });
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    if (this.stop) {
      this.stop();
    }
  }

  async refresh() {
    try {
      this.session = await this.platform.json('GET', `/api/v1/sessions/${encodeURIComponent(this.sessionId)}`);
    } catch (e) {
      this.error = e.message;
    }
  }

  async close() {
    this.error = '';
    try {
      await this.platform.json('DELETE', `/api/v1/sessions/${encodeURIComponent(this.sessionId)}`);
      await this.refresh();
    } catch (e) {
      this.error = e.message;
    }
  }

  render() {
    const s = this.session;
    if (!s) {
      return html`${this.error ? html`<p class="error" role="alert">${this.error}</p>` : html`<p class="loading">Loading…</p>`}`;
    }
    const ready = s.services.filter((x) => x.state === 'READY').length;
    const opening = s.state === 'OPENING' || s.state === 'QUEUED' || s.state === 'REQUESTED';
    return html`
      <h1>Session <code>${s.id.slice(0, 8)}</code> <span id="session-state" class="state ${s.state}">${s.state}</span></h1>
      <p>${s.type}${s.profile ? html` (profile <span id="session-profile">${s.profile}</span>)` : nothing}${s.pool && s.pool !== 'default' ? html` on pool <span id="session-pool">${s.pool}</span>` : nothing} in project ${s.project}, opened by ${s.owner} at ${new Date(s.created).toLocaleString()}
        ${s.reason ? html` — <span id="session-reason">${s.reason}</span>` : nothing}</p>
      ${opening ? html`<label class="progress">Services ready
        <progress id="open-progress" max=${s.services.length} value=${ready}></progress> ${ready} of ${s.services.length}</label>`
        : nothing}
      ${s.queue ? html`<p id="queue" role="status">Waiting in the queue: place ${s.queue.position} —
        ${s.queue.reason}; gives up at ${new Date(s.queue.deadline).toLocaleTimeString()}.</p>` : nothing}
      <table id="services">
        <thead><tr><th>Service</th><th>State</th><th>Exit code</th><th>Reason</th></tr></thead>
        <tbody>${s.services.map((x) => html`
          <tr data-service=${x.name}><td>${x.name}</td><td><span class="state ${x.state}">${x.state}</span></td>
            <td>${x.exitCode ?? ''}</td><td>${x.reason || ''}</td></tr>`)}
        </tbody>
      </table>
      ${TERMINAL.has(s.state) ? nothing : html`<button id="close-session" class="danger" @click=${this.close}>Close the session</button>`}
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${s.state === 'READY' && s.services.some((x) => x.name === 'kriging')
        ? html`<ot-kriging .platform=${this.platform} .session=${s}></ot-kriging>` : nothing}
      <h2>Timeline <small id="stream-state">(${this.stream})</small></h2>
      <ol id="timeline">${this.entries.map((e) => html`
        <li data-type=${e.type} data-id=${e.id ?? nothing}><time>${e.data && e.data.time ? new Date(e.data.time).toLocaleTimeString() : ''}</time>
          <strong>${e.type}</strong> ${describe(e.data)}</li>`)}
      </ol>
      <h2>Logs</h2>
      <ot-logs .platform=${this.platform} .sessionId=${s.id}></ot-logs>
      ${this.platform.isAdmin ? html`<h2>Traces</h2>
        <ot-traces .platform=${this.platform} .sessionId=${s.id}></ot-traces>` : nothing}`;
  }
}

/** The details of one timeline entry in words. */
function describe(d) {
  if (!d) {
    return '';
  }
  const parts = [];
  if (d.service) parts.push(d.service);
  if (d.reason) parts.push(d.message ? `${d.reason}: ${d.message}` : d.reason);
  if (d.exitCode !== undefined && d.exitCode !== null) parts.push(`exit code ${d.exitCode}`);
  if (d.attempt) parts.push(`attempt ${d.attempt}`);
  if (d.lss) parts.push(`on ${d.lss}`);
  return parts.length ? `— ${parts.join(', ')}` : '';
}

customElements.define('ot-console', OtConsole);
customElements.define('ot-login', OtLogin);
customElements.define('ot-projects', OtProjects);
customElements.define('ot-sessions', OtSessions);
customElements.define('ot-session', OtSession);
